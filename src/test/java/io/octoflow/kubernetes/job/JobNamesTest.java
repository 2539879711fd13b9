package io.octoflow.kubernetes.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobNamesTest {

    private static final String DNS_1123 = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    @Test
    void namesAreDnsLabelsOfTheFlowAndStepWithARandomSuffix() {
        String name = JobNames.unique("CI Metrics", "Run Retriever!");
        assertThat(name).matches("ci-metrics-run-retriever-[a-z0-9]{5}");
        assertThat(JobNames.unique("CI Metrics", "Run Retriever!")).isNotEqualTo(name);
    }

    @Test
    void longNamesAreCutTo63CharactersKeepingBothParts() {
        String name = JobNames.unique("a very long flow name ".repeat(5), "and a very long step name ".repeat(5));
        assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_1123).startsWith("a-very-long-flow")
                .contains("-and-a-very-long-step");
        assertThat(JobNames.unique("___", "日本")).matches("flow-step-[a-z0-9]{5}");
    }

    @Test
    void labelValuesAreShortAndClean() {
        assertThat(JobNames.labelValue("7f3a-uuid")).isEqualTo("7f3a-uuid");
        assertThat(JobNames.labelValue("x".repeat(80))).hasSize(63);
    }
}
