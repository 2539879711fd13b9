package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code octoflow validate} in its own JVM reads flow files under the FLOW_FILE_* limits of its settings (the
 * environment, ./application.properties), as the service does, not under the built-in defaults.
 */
class CliFlowFileLimitsTest {

    @TempDir
    Path dir;
    Path flows;

    /** 1,500 bytes and nested 6 deep: within the defaults (1 MiB, 64). */
    static final String FLOW = """
            name: nested
            description: "%s"
            steps:
              - name: deep
                type: set_fact
                set_fact:
                  value: {a: {b: {c: 1}}}
            """.formatted("x".repeat(1_400));

    record Outcome(int exitCode, String out) {
    }

    @BeforeEach
    void write() throws IOException {
        flows = Files.createDirectories(dir.resolve("flows"));
        Files.writeString(flows.resolve("nested.yml"), FLOW, StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("work"));
    }

    private Outcome validate(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.octoflow.Octoflow", "validate", flows.resolve("nested.yml").toString()))
                .directory(dir.resolve("work").toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("FLOW_FILE_") || name.equals("OCTOFLOW_PROPERTIES"));
        builder.environment().put("FLOWS_PATH", flows.toString());
        builder.environment().put("DATA_PATH", dir.resolve("data").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(process.exitValue(), out);
    }

    @Test
    void theDefaultsAcceptTheFile() throws Exception {
        Outcome outcome = validate(Map.of());
        assertThat(outcome.exitCode()).as(outcome.out()).isZero();
    }

    @Test
    void environmentSettingsApply() throws Exception {
        Outcome outcome = validate(Map.of("FLOW_FILE_MAX_BYTES", "1000"));
        assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(1);
        assertThat(outcome.out()).contains("nested.yml:1:1: error: flow file refused").contains("FLOW_FILE_MAX_BYTES");
    }

    @Test
    void applicationPropertiesApply() throws Exception {
        Files.writeString(dir.resolve("work/application.properties"), "octoflow.flow-file-max-depth = 4\n");
        Outcome outcome = validate(Map.of());
        assertThat(outcome.exitCode()).as(outcome.out()).isEqualTo(1);
        assertThat(outcome.out()).contains("nested.yml:7:").contains("FLOW_FILE_MAX_DEPTH");
    }
}
