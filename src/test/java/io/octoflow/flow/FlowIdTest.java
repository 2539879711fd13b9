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
    void onlyAPathEndingInADashAndTwelveLowerCaseHexDigitsCountsAsHashLike() {
        // the hand-written check must say what the regex .*-[0-9a-f]{12} said
        java.util.regex.Pattern hashLike = java.util.regex.Pattern.compile(".*-[0-9a-f]{12}");
        for (String path : new String[] {"a-0123456789ab", "-0123456789ab", "0123456789ab", "a-0123456789aB",
            "a_0123456789ab", "a-0123456789abc", "a-123456789ab", "x/y.yml-deadbeef0000", "x-deadbeef0000.yml",
            "a--0123456789ab", "-", "a-0123456789a-"}) {
            boolean expected = hashLike.matcher(path).matches();
            assertThat(FlowDefinition.camelId(path).equals(path)).as(path).isEqualTo(!expected);
        }
    }

    @Test
    void stepNamesWithPlaceholderBracesAreMadeInert() {
        assertThat(FlowDefinition.camelText("plain step")).isEqualTo("plain step");
        assertThat(FlowDefinition.camelText("call {{it}}")).startsWith("call ((it))-").doesNotContain("{");
        assertThat(FlowDefinition.camelText("call {{it}}")).isNotEqualTo(FlowDefinition.camelText("call ((it))"));
    }
}
