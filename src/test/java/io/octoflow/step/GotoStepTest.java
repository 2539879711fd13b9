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
        assertThat(FlowFixture.stored(r.data())).isEqualTo(Map.of("landing", "landed"));
        assertThat(r.steps()).extracting(s -> s.step()).containsExactly("jump", "landing");
    }

    @Test
    void aGotoToNoStepLoadsWithAWarningAndFailsTheFlowWhenTakenEvenWithIgnoreErrors() {
        fx.flow("dangling.yml", """
                name: goto dangling
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: jump
                    type: goto
                    when: "a == 1"
                    ignore_errors: [".*"]
                    on_error_goto: a
                    goto:
                      step_name: nowhere
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("dangling.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(13);
                    assertThat(p.message()).contains("jump").contains("nowhere");
                });
        RunResult r = fx.run("dangling.yml");

        // as on the spooler: the jump fails outside the step's error handling, no __errors__ entry
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("jump").contains("Goto step 'nowhere' not found in flow.");
        assertThat(r.data()).containsEntry("__errors__", List.of()).doesNotContainKey("after");
    }

    @Test
    void specialTargetsEndStartAndExit() {
        fx.flow("specials.yml", """
                name: goto specials
                finally_step: last
                steps:
                  - name: count
                    type: set_fact
                    set_fact:
                      value: "{{ (count | default(0) | int) + 1 }}"
                  - name: again
                    type: goto
                    when: "count | int < 3"
                    goto:
                      step_name: __start__
                  - name: stop
                    type: goto
                    when: "__input__.how == 'exit'"
                    goto:
                      step_name: __exit
                  - name: end
                    type: goto
                    goto:
                      step_name: __end__
                  - name: skipped
                    type: set_fact
                    set_fact:
                      value: never
                  - name: last
                    type: set_fact
                    set_fact:
                      value: "finally after {{ count }}"
                """);

        RunResult ended = fx.run("specials.yml", Map.of("how", "end"), Map.of());
        RunResult exited = fx.run("specials.yml", Map.of("how", "exit"), Map.of());

        assertThat(ended.status()).as(ended.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(ended.data().get("count")).isEqualTo("3");
        // __end__ ends the steps; Octoflow's finally step still runs
        assertThat(ended.data()).containsEntry("last", "finally after 3").doesNotContainKey("skipped");
        assertThat(exited.status()).isEqualTo(RunStatus.EXIT);
        assertThat(exited.error()).isEqualTo("Flow exited.");
        assertThat(exited.data()).doesNotContainKeys("last", "skipped");
    }

    @Test
    void aTemplatedTargetIsRenderedWhenTheStepRuns() {
        fx.flow("templated.yml", """
                name: goto templated
                steps:
                  - name: route
                    type: goto
                    goto:
                      step_name: "{{ __input__.next }}"
                  - name: a
                    type: set_fact
                    set_fact:
                      value: ran a
                  - name: b
                    type: set_fact
                    set_fact:
                      value: ran b
                """);

        assertThat(fx.engine().validate(fx.flows().resolve("templated.yml"))).isEmpty();
        RunResult toB = fx.run("templated.yml", Map.of("next", "b"), Map.of());
        RunResult toNowhere = fx.run("templated.yml", Map.of("next", "c"), Map.of());

        assertThat(toB.status()).as(toB.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(toB.data()).containsEntry("b", "ran b").doesNotContainKey("a");
        assertThat(toNowhere.status()).isEqualTo(RunStatus.FAILED);
        assertThat(toNowhere.error()).contains("Goto step 'c' not found in flow.");
    }

    @Test
    void aGotoToADuplicatedNameGoesToTheLastStepOfThatName() {
        fx.flow("duplicates.yml", """
                name: goto duplicates
                steps:
                  - name: jump
                    type: goto
                    goto:
                      step_name: twin
                  - name: twin
                    type: set_fact
                    result_key: first
                    set_fact:
                      value: first twin
                  - name: twin
                    type: set_fact
                    result_key: second
                    set_fact:
                      value: second twin
                """);

        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("duplicates.yml")))
                .extracting(p -> p.line() + ": " + p.message())
                .anySatisfy(m -> assertThat(m).startsWith("6: ").contains("goes to the last one (line 12)"))
                .anySatisfy(m -> assertThat(m).startsWith("12: ").contains("already used on line 7"));
        RunResult r = fx.run("duplicates.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("second", "second twin").doesNotContainKey("first");
    }

    @Test
    void onErrorGotoContinuesAtItsStepAfterAnErrorThatIsNotIgnored() {
        fx.flow("on_error.yml", """
                name: on error goto
                steps:
                  - name: read
                    type: file
                    on_error_goto: recover
                    ignore_errors: ["no match"]
                    file:
                      path: missing.json
                  - name: skipped
                    type: set_fact
                    set_fact:
                      value: never
                  - name: recover
                    type: set_fact
                    set_fact:
                      value: "recovered from {{ __errors__[0].step }}"
                  - name: give up
                    type: file
                    on_error_goto: __exit
                    file:
                      path: missing.json
                  - name: after
                    type: set_fact
                    set_fact:
                      value: never
                """);

        RunResult r = fx.run("on_error.yml");

        assertThat(r.status()).isEqualTo(RunStatus.EXIT);
        assertThat(r.error()).isEqualTo("Flow exited.");
        assertThat(r.data()).containsEntry("recover", "recovered from read").doesNotContainKeys("skipped", "after");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        // the entries stay, without "ignored"
        assertThat(errors).extracting(e -> e.get("step")).containsExactly("read", "give up");
        assertThat(errors).allSatisfy(e -> assertThat(e).containsOnlyKeys("step", "error"));
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("read:failed", "recover:success", "give up:failed");
    }

    @Test
    void onErrorGotoToNoStepIsAWarning() {
        fx.flow("on_error_nowhere.yml", """
                name: on error nowhere
                steps:
                  - name: read
                    type: file
                    on_error_goto: nowhere
                    file:
                      path: missing.json
                """);

        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("on_error_nowhere.yml"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("no step is named 'nowhere'"));
        RunResult r = fx.run("on_error_nowhere.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("Goto step 'nowhere' not found in flow.");
    }
}
