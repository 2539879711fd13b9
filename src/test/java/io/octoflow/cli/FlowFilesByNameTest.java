package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.flow.FlowYaml;

/**
 * {@code octoflow launch <name>} looks the name up in FLOWS_PATH under the FLOW_FILE_* limits, as the service reads
 * the files: a file the service refuses is not launched by name, and a hostile file is refused, not parsed.
 */
class FlowFilesByNameTest {

    @TempDir
    Path dir;

    @AfterEach
    void defaults() {
        FlowYaml.limit(FlowYaml.Limits.DEFAULTS);
    }

    private OctoflowConfig config(Map<String, String> settings) throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Files.writeString(flows.resolve("big.yml"), "name: big\ndescription: \"" + "x".repeat(2_000)
                + "\"\nsteps: []\n");
        Files.writeString(flows.resolve("deep.yml"), "name: deep\nvalue: " + "[".repeat(100) + "]".repeat(100)
                + "\nsteps: []\n");
        Files.writeString(flows.resolve("small.yml"), "name: small\nsteps: []\n");
        java.util.Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("FLOWS_PATH", flows.toString());
        all.put("DATA_PATH", dir.resolve("data").toString());
        OctoflowConfig config = OctoflowConfig.from(all);
        FlowFiles.applyLimits(config);
        return config;
    }

    @Test
    void aFileOverTheSizeLimitIsNotFoundByName() throws Exception {
        OctoflowConfig config = config(Map.of("FLOW_FILE_MAX_BYTES", "1000"));

        assertThat(FlowFiles.locate("big", config)).isNull();
        assertThat(FlowFiles.locate("small", config)).isEqualTo(config.flowsPath().resolve("small.yml"));
    }

    @Test
    void aFileNestedPastTheDepthLimitIsNotFoundByName() throws Exception {
        OctoflowConfig config = config(Map.of());

        assertThat(FlowFiles.locate("deep", config)).isNull();
        assertThat(FlowFiles.locate("big", config)).isEqualTo(config.flowsPath().resolve("big.yml"));
    }
}
