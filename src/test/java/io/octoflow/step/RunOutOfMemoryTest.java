package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that exhausts a real heap (a child JVM with a small one): the error is logged once at ERROR, the step fails,
 * the finally step still runs and the run ends failed (exit code 1), instead of the run's thread dying silently.
 */
class RunOutOfMemoryTest {

    @TempDir
    Path root;

    private record Outcome(int exitCode, String output) {
    }

    private Outcome launch(String flow, Map<String, String> settings) throws Exception {
        Path flows = Files.createDirectories(root.resolve("flows"));
        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(flows.resolve("oom.yml"), flow);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                "io.octoflow.Octoflow", "launch", "oom.yml")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("child.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DATA_PATH", data.toString());
        env.put("FLOWS_PATH", flows.toString());
        env.put("TEMPLATES_PATH", Files.createDirectories(root.resolve("templates")).toString());
        env.put("LOG_PATH", root.resolve("logs").toString());
        env.putAll(settings);
        Process child = builder.start();
        assertThat(child.waitFor(240, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        return new Outcome(child.exitValue(), Files.readString(root.resolve("child.log"), StandardCharsets.UTF_8));
    }

    @Test
    void aJqProgramThatFillsTheHeapFailsItsStepAndIsLoggedOnce() throws Exception {
        Outcome outcome = launch("""
                name: oom
                finally_step: mark
                steps:
                  - name: explode
                    type: jq
                    jq:
                      expression: '[range(1e9) | {n: .}]'
                  - name: mark
                    type: file
                    file:
                      path: after.txt
                      mode: write
                      type: text
                      data_key: __job_id__
                """, Map.of("JQ_MAX_STEPS", "1000000000000", "JQ_MAX_OUTPUT_NODES", "1000000000000"));

        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(1);
        assertThat(outcome.output().lines().filter(line -> line.contains("ERROR")).toList()).as(outcome.output())
                .hasSize(1).allMatch(line -> line.contains("out of memory"));
        assertThat(outcome.output()).contains("jq program stopped: it ran out of memory");
        assertThat(root.resolve("data/after.txt")).as("the finally step ran").exists();
    }

    @Test
    void anyStepThatFillsTheHeapFailsAndIsLoggedOnce() throws Exception {
        Outcome outcome = launch("""
                name: oom
                finally_step: mark
                steps:
                  - name: width
                    type: set_fact
                    set_fact:
                      value: "%2000000000s"
                  - name: explode
                    type: set_fact
                    set_fact:
                      value: "{{ width % 'x' }}"
                  - name: mark
                    type: file
                    file:
                      path: after.txt
                      mode: write
                      type: text
                      data_key: __job_id__
                """, Map.of());

        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(1);
        assertThat(outcome.output().lines().filter(line -> line.contains("ERROR")).toList()).as(outcome.output())
                .hasSize(1).allMatch(line -> line.contains("ran out of memory"));
        assertThat(root.resolve("data/after.txt")).as("the finally step ran").exists();
    }
}
