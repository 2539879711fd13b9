package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.support.FlowFixture;

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
        assertThat(errors.get(0)).containsOnlyKeys("step", "error").containsEntry("step", "read missing");
        assertThat((String) errors.get(0).get("error")).contains("in/absent.json").contains("does not exist");
        assertThat(errors.get(1)).containsEntry("step", "log run");
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
        assertThat(r.data()).doesNotContainKey("__errors__");
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
        assertThat(r.data()).doesNotContainKeys("after", "__errors__");
    }

    @Test
    void anInvalidRegexIsReportedAtValidation() {
        fx.flow("badregex.yml", """
                name: bad regex
                steps:
                  - name: a
                    type: set_fact
                    ignore_errors: ["(unclosed"]
                    set_fact:
                      value: 1
                """);

        assertThatThrownBy(() -> fx.load("badregex.yml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).line()).isEqualTo(5);
                    assertThat(e.problems().get(0).message()).contains("ignore_errors");
                });
    }
}
