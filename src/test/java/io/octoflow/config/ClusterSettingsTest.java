package io.octoflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** CLUSTER and its settings, as docs/CLUSTER.md lists them. */
class ClusterSettingsTest {

    @Test
    void offByDefaultWithTheDocumentedDefaults() {
        ClusterSettings cluster = OctoflowConfig.from(Map.of()).cluster();
        assertThat(cluster).isEqualTo(new ClusterSettings(false, 2, 10, 10));
    }

    @Test
    void readFromTheEnvironmentNames() {
        ClusterSettings cluster = OctoflowConfig.from(Map.of("CLUSTER", "true", "CLUSTER_HEARTBEAT_SECONDS", "3",
                "CLUSTER_STALE_SECONDS", "20", "CLUSTER_QUARTZ_THREADS", "4")).cluster();
        assertThat(cluster).isEqualTo(new ClusterSettings(true, 3, 20, 4));
    }

    @Test
    void aBadValueNamesTheSettingAndWhatWasExpected() {
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("CLUSTER", "yes")))
                .hasMessage("CLUSTER: expected true or false, got 'yes'");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("CLUSTER_HEARTBEAT_SECONDS", "0")))
                .hasMessage("CLUSTER_HEARTBEAT_SECONDS: expected a positive whole number, got '0'");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("CLUSTER_STALE_SECONDS", "2")))
                .hasMessage("CLUSTER_STALE_SECONDS: expected more than CLUSTER_HEARTBEAT_SECONDS (2), got 2");
    }
}
