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

/** exit: status exit, the spooler's message, nothing stored, the message used as written. */
class ExitStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("exit.yml", """
                name: exit early
                finally_step: wrap up
                steps:
                  - name: wrap up
                    type: set_fact
                    set_fact:
                      value: finally ran
                  - name: stop
                    type: exit
                    result_key: exit_info
                    when: "tickets | length == 0"
                    exit:
                      message: "No tickets found for {{ team }}, exiting early."
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void exitEndsTheFlowWithStatusExitAndTheSpoolersMessageStoringNothingAndSkippingTheFinallyStep() {
        RunResult r = fx.run("exit.yml", Map.of("tickets", List.of(), "team", "ops"));

        assertThat(r.status()).isEqualTo(RunStatus.EXIT);
        // the message is not templated on the spooler
        assertThat(r.error()).isEqualTo("Flow exited with message: No tickets found for {{ team }}, exiting early.");
        assertThat(r.data()).doesNotContainKeys("exit_info", "stop", "after", "wrap up");
        assertThat(r.data().get("__errors__")).isEqualTo(List.of());
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly("stop:success");
    }

    @Test
    void whenTheExitIsSkippedTheFlowGoesOnAndTheFinallyStepRuns() {
        RunResult r = fx.run("exit.yml", Map.of("tickets", List.of(1), "team", "ops"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.error()).isNull();
        assertThat(r.data()).containsEntry("after", "ran").containsEntry("wrap up", "finally ran")
                .doesNotContainKey("exit_info");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("stop:skipped", "after:success", "wrap up:success");
    }

    @Test
    void exitWithoutMessageIsRefusedAsTheSpoolerFailsOnIt() {
        fx.flow("bare_exit.yml", """
                name: bare exit
                steps:
                  - name: stop
                    type: exit
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        // the spooler asserts the message at every run: the flow can never work there
        assertThatThrownBy(() -> fx.run("bare_exit.yml")).isInstanceOf(InvalidFlowException.class)
                .hasMessageContaining("bare_exit.yml:3:5").hasMessageContaining("missing 'exit' block (with message)");
    }

    @Test
    void aNonStringMessageIsPrintedAsPythonDoes() {
        fx.flow("number_exit.yml", """
                name: number exit
                steps:
                  - name: stop
                    type: exit
                    ignore_errors: [".*"]
                    exit:
                      message: [1, true, null]
                """);

        RunResult r = fx.run("number_exit.yml");

        // an exit is no error: ignore_errors does not keep the flow going
        assertThat(r.status()).isEqualTo(RunStatus.EXIT);
        assertThat(r.error()).isEqualTo("Flow exited with message: [1, True, None]");
        assertThat(r.data().get("__errors__")).isEqualTo(List.of());
    }
}
