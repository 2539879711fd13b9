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

/** The flow's {@code finally_step}. */
class FinallyStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("finally.yml", """
                name: with finally
                finally_step: wrap up
                steps:
                  - name: wrap up
                    type: file
                    file:
                      path: out/wrap.json
                      mode: write
                      type: json
                      data_key: "."
                  - name: first
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: maybe fail
                    type: file
                    when: "fail"
                    file:
                      path: in/absent.json
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
    void theFinallyStepRunsLastOnSuccess() {
        RunResult r = fx.run("finally.yml", Map.of("fail", false));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly(
                "first:success", "maybe fail:skipped", "after:success", "wrap up:success");
        assertThat(r.data()).containsEntry("wrap up", Map.of());
        assertThat(fx.readData("out/wrap.json")).contains("\"after\": \"ran\"");
    }

    @Test
    void theFinallyStepRunsAfterAFailureAndTheFlowStaysFailed() {
        RunResult r = fx.run("finally.yml", Map.of("fail", true));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).startsWith("flow 'with finally' failed at step 'maybe fail': ")
                .contains("in/absent.json");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly(
                "first:success", "maybe fail:failed", "wrap up:success");
        assertThat(r.data()).containsEntry("wrap up", Map.of()).doesNotContainKey("after");
        assertThat(fx.readData("out/wrap.json")).contains("\"first\": 1").doesNotContain("\"after\"");
    }

    @Test
    void aFailingFinallyStepFailsTheFlowAndTheFirstErrorIsKept() {
        fx.template("cleanup.j2", "cleaned");
        fx.flow("finally_fails.yml", """
                name: finally fails
                finally_step: broken cleanup
                steps:
                  - name: broken cleanup
                    type: jinja
                    jinja:
                      path: cleanup.j2
                      data_key: never_set
                  - name: maybe fail
                    type: file
                    when: "fail"
                    file:
                      path: in/absent.json
                """);

        RunResult cleanOnly = fx.run("finally_fails.yml", Map.of("fail", false));
        RunResult both = fx.run("finally_fails.yml", Map.of("fail", true));

        assertThat(cleanOnly.status()).isEqualTo(RunStatus.FAILED);
        assertThat(cleanOnly.error()).contains("failed at step 'broken cleanup'").contains("never_set");
        assertThat(both.status()).isEqualTo(RunStatus.FAILED);
        assertThat(both.error()).contains("failed at step 'maybe fail'");
        assertThat(both.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("maybe fail:failed", "broken cleanup:failed");
    }

    @Test
    void aFinallyStepNamingNoStepIsInvalid() {
        fx.flow("bad_finally.yml", """
                name: bad finally
                finally_step: nope
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 1
                """);

        assertThatThrownBy(() -> fx.load("bad_finally.yml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).line()).isEqualTo(2);
                    assertThat(e.problems().get(0).message()).contains("finally_step").contains("nope");
                });
    }
}
