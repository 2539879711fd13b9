package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.support.FlowFixture;

class GotoStepTest {

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
    void backwardLoopEndsByItsWhen() {
        fx.flow("loop.yml", """
                name: goto loop
                steps:
                  - name: counter
                    type: set_fact
                    set_fact:
                      value: "{{ (counter | default(0) | int) + 1 }}"
                  - name: trail
                    type: set_fact
                    set_fact:
                      value: "{{ trail | default('') }}{{ counter }};"
                  - name: again
                    type: goto
                    when: "counter | int < 3"
                    goto:
                      step_name: counter
                  - name: done
                    type: set_fact
                    set_fact:
                      value: "done after {{ counter }} rounds"
                """);

        RunResult r = fx.run("loop.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("counter")).isEqualTo("3"); // set_fact stores text, as on the spooler
        assertThat(r.data()).containsEntry("trail", "1;2;3;").containsEntry("done", "done after 3 rounds")
                .doesNotContainKey("again");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly(
                "counter:success", "trail:success", "again:success",
                "counter:success", "trail:success", "again:success",
                "counter:success", "trail:success", "again:skipped",
                "done:success");
    }

    @Test
    void forwardJumpSkipsTheStepsInBetween() {
        fx.flow("forward.yml", """
                name: goto forward
                steps:
                  - name: jump
                    type: goto
                    goto:
                      step_name: landing
                  - name: skipped over
                    type: set_fact
                    set_fact:
                      value: should not run
                  - name: landing
                    type: set_fact
                    set_fact:
                      value: landed
                """);

        RunResult r = fx.run("forward.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).isEqualTo(Map.of("landing", "landed"));
        assertThat(r.steps()).extracting(s -> s.step()).containsExactly("jump", "landing");
    }

    @Test
    void gotoToAnUnknownStepIsInvalid() {
        fx.flow("dangling.yml", """
                name: goto dangling
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: jump
                    type: goto
                    goto:
                      step_name: nowhere
                """);

        assertThatThrownBy(() -> fx.load("dangling.yml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).line()).isEqualTo(10);
                    assertThat(e.problems().get(0).message()).contains("jump").contains("nowhere");
                });
    }
}
