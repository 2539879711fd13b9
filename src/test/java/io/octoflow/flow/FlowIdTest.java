package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Camel form of a flow's id (its path): readable when it can be, never shared by two paths. */
class FlowIdTest {

    @Test
    void aPlainPathIsKeptAsItIs() {
        assertThat(FlowDefinition.camelId("lib/summarize_ticket.yml")).isEqualTo("lib/summarize_ticket.yml");
        assertThat(FlowDefinition.endpointUri("lib/summarize_ticket.yml"))
                .isEqualTo("direct:flow-lib/summarize_ticket.yml");
    }

    @Test
    void otherCharactersAreReplacedAndAHashKeepsPathsApart() {
        String spaced = FlowDefinition.camelId("my flow.yml");
        assertThat(spaced).matches("my_flow\\.yml-[0-9a-f]{12}");
        assertThat(spaced).isNotEqualTo(FlowDefinition.camelId("my_flow.yml"))
                .isNotEqualTo(FlowDefinition.camelId("my?flow.yml"));
        assertThat(FlowDefinition.camelId("{{dir}}/x.yml")).doesNotContain("{", "}");
        assertThat(FlowDefinition.camelId("my flow.yml")).as("stable").isEqualTo(spaced);
        // a plain path that looks like a replaced one gets a hash of its own
        assertThat(FlowDefinition.camelId(spaced)).isNotEqualTo(spaced);
    }

    @Test
    void stepNamesWithPlaceholderBracesAreMadeInert() {
        assertThat(FlowDefinition.camelText("plain step")).isEqualTo("plain step");
        assertThat(FlowDefinition.camelText("call {{it}}")).startsWith("call ((it))-").doesNotContain("{");
        assertThat(FlowDefinition.camelText("call {{it}}")).isNotEqualTo(FlowDefinition.camelText("call ((it))"));
    }
}
