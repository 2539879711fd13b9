package io.octoflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class OctoflowConfigTest {

    @Test
    void theSpoolersFlowTimeoutNameIsReadToo() {
        assertThat(OctoflowConfig.from(Map.of("FLOW_TIMEOUT", "120")).flowTimeoutSeconds()).isEqualTo(120);
        assertThat(OctoflowConfig.from(Map.of("FLOW_TIMEOUT_SECONDS", "90", "FLOW_TIMEOUT", "120"))
                .flowTimeoutSeconds()).isEqualTo(90);
        assertThat(OctoflowConfig.from(Map.of()).flowTimeoutSeconds()).isEqualTo(600);
    }
}
