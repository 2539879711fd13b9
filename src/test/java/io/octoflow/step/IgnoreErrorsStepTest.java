package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.TestHttpServer;

/** The {@code ignore_errors} key every step has. */
class IgnoreErrorsStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aMatchingErrorIsAppendedToErrorsAndTheFlowGoesOn() {
        fx.flow("ignore.yml", """
                name: ignoring
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: in/absent.json
                    ignore_errors: "does not exist"
                  - name: log run
                    type: file
                    file:
                      path: out/log.jsonl
                      mode: append
                      data_key: run_entry
                    ignore_errors: ["no match here", "not in the flow data"]
                  - name: count
                    type: set_fact
                    set_fact:
                      value: "{{ __errors__ | length }} errors, first from {{ __errors__[0].step }}"
                """);

        RunResult r = fx.run("ignore.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.error()).isNull();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).containsOnlyKeys("step", "error", "ignored").containsEntry("step", "read missing")
                .containsEntry("ignored", "Error ignored based on regex: does not exist");
        assertThat((String) errors.get(0).get("error")).contains("in/absent.json").contains("does not exist");
        assertThat(errors.get(1)).containsEntry("step", "log run")
                .containsEntry("ignored", "Error ignored based on regex: not in the flow data");
        assertThat((String) errors.get(1).get("error")).contains("run_entry").contains("not in the flow data");
        assertThat(r.data()).containsEntry("count", "2 errors, first from read missing")
                .doesNotContainKeys("read missing", "log run");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("read missing:ignored", "log run:ignored", "count:success");
        assertThat(r.steps().get(0).error()).contains("does not exist");
    }

    @Test
    void errorsIsAnEmptyListInTemplatesWhenNothingWasIgnored() {
        fx.flow("none.yml", """
                name: nothing ignored
                steps:
                  - name: count
                    type: set_fact
                    set_fact:
                      value: "{{ __errors__ | length }}"
                """);

        RunResult r = fx.run("none.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("count")).isEqualTo("0");
        // a key of the flow data from the start, as on the spooler
        assertThat(r.data()).containsEntry("__errors__", List.of());
    }

    @Test
    void aNonMatchingErrorFailsTheFlow() {
        fx.flow("nomatch.yml", """
                name: not ignoring
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: in/absent.json
                    ignore_errors: ["HTTP status 404"]
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = fx.run("nomatch.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("read missing");
        assertThat(r.data()).doesNotContainKeys("after");
        // the spooler keeps the entry of the error that failed the flow, without "ignored"
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e).containsOnlyKeys("step", "error").containsEntry("step", "read missing");
            assertThat((String) e.get("error")).contains("in/absent.json");
        });
    }

    @Test
    void spoolerPatternsAreTriedAtTheStartOfThePythonTextOfTheDetail() {
        fx.flow("python.yml", """
                name: python patterns
                steps:
                  - name: anchored
                    type: file
                    file:
                      path: in/absent.json
                    ignore_errors: ["absent"]
                  - name: plain error
                    type: file
                    file:
                      path: in/absent.json
                    ignore_errors: ["^{}$"]
                  - name: anything
                    type: file
                    file:
                      path: in/absent.json
                    ignore_errors: [".*"]
                """);

        RunResult r = fx.run("python.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        // "absent" is found in Octoflow's message; "^{}$" is Python's text of a plain exception's attributes
        assertThat(errors).extracting(e -> e.get("ignored")).containsExactly(
                "Error ignored based on regex: absent", "Error ignored based on regex: ^{}$",
                "Error ignored based on regex: .*");
    }

    @Test
    void anHttpErrorEntryHoldsStatusCodeAndParsedResponseContent() {
        try (TestHttpServer server = TestHttpServer.start()) {
            server.respond("/missing", 404, "application/json", "{\"error\": \"x\"}");
            server.respond("/down", 503, "text/plain", "down for maintenance");
            server.respond("/empty", 500, "text/plain", "");
            fx.flow("http.yml", """
                    name: http errors
                    steps:
                      - name: missing
                        type: rest
                        rest:
                          uri: "%1$s/missing"
                        ignore_errors: ["{'status_code': 404, 'response_content': {'error': 'x'}}"]
                      - name: down
                        type: rest
                        rest:
                          uri: "%1$s/down"
                        ignore_errors: ["{'status_code': 5[0-9]{2},"]
                      - name: empty
                        type: rest
                        rest:
                          uri: "%1$s/empty"
                        ignore_errors: ["{'status_code': 500, 'response_content': None}"]
                      - name: not ignored
                        type: rest
                        rest:
                          uri: "%1$s/missing"
                        ignore_errors: ["{'status_code': 500"]
                    """.formatted(server.baseUrl()));

            RunResult r = fx.run("http.yml");

            assertThat(r.status()).isEqualTo(RunStatus.FAILED);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
            assertThat(errors).hasSize(4);
            assertThat(errors.get(0)).isEqualTo(Map.of("step", "missing",
                    "error", Map.of("status_code", 404, "response_content", Map.of("error", "x")),
                    "ignored", "Error ignored based on regex: {'status_code': 404, 'response_content': {'error': 'x'}}"));
            assertThat(errors.get(1)).containsEntry("error",
                    Map.of("status_code", 503, "response_content", "down for maintenance")).containsKey("ignored");
            Map<String, Object> empty = new java.util.LinkedHashMap<>();
            empty.put("status_code", 500);
            empty.put("response_content", null);
            assertThat(errors.get(2)).containsEntry("error", empty).containsKey("ignored");
            assertThat(errors.get(3)).containsOnlyKeys("step", "error").containsEntry("step", "not ignored");
        }
    }

    @Test
    void anInvalidRegexIsAWarningAndNeverMatches() {
        fx.flow("badregex.yml", """
                name: bad regex
                steps:
                  - name: a
                    type: set_fact
                    ignore_errors: ["(unclosed"]
                    set_fact:
                      value: 1
                """);

        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("badregex.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(5);
                    assertThat(p.message()).contains("ignore_errors", "invalid regex");
                });
        assertThat(fx.run("badregex.yml").status()).isEqualTo(RunStatus.SUCCESS);
    }
}
