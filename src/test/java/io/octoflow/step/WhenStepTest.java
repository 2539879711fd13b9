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

/** The {@code when} key every step has. */
class WhenStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("when.yml", """
                name: when flow
                steps:
                  - name: single true
                    type: set_fact
                    when: "tickets | length > 0"
                    set_fact:
                      value: ran
                  - name: single false
                    type: set_fact
                    when: "tickets | length > 5"
                    set_fact:
                      value: ran
                  - name: list all true
                    type: set_fact
                    when:
                      - "tickets | length > 0"
                      - "team == 'ops'"
                    set_fact:
                      value: ran
                  - name: list one false
                    type: set_fact
                    when:
                      - "tickets | length > 0"
                      - "team == 'dev'"
                      - "true"
                    set_fact:
                      value: ran
                  - name: template true
                    type: set_fact
                    when: "{{ team == 'ops' }}"
                    set_fact:
                      value: ran
                  - name: template false
                    type: set_fact
                    when: "{{ flag }}"
                    set_fact:
                      value: ran
                  - name: text is not true
                    type: set_fact
                    when: "{{ team }}"
                    set_fact:
                      value: ran
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void stepsRunOnlyWhenEveryConditionHoldsAndSkippedStepsAreRecorded() {
        RunResult r = fx.run("when.yml", Map.of("tickets", List.of(1, 2), "team", "ops", "flag", "false"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("single true", "ran").containsEntry("list all true", "ran")
                .containsEntry("template true", "ran")
                .doesNotContainKeys("single false", "list one false", "template false", "text is not true");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly(
                "single true:success", "single false:skipped", "list all true:success", "list one false:skipped",
                "template true:success", "template false:skipped", "text is not true:skipped");
        assertThat(r.steps()).allMatch(s -> s.error() == null);
    }

    @Test
    void conditionsSeeTheFlowDataAsItIsWhenTheStepComes() {
        fx.flow("when_data.yml", """
                name: when data
                steps:
                  - name: first
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: second
                    type: set_fact
                    when: "first == 1 and missing is not defined"
                    set_fact:
                      value: 2
                  - name: third
                    type: set_fact
                    when: ["second is defined", "__input__.go"]
                    set_fact:
                      value: 3
                """);

        RunResult go = fx.run("when_data.yml", Map.of("go", true), Map.of());
        RunResult stop = fx.run("when_data.yml", Map.of("go", false), Map.of());

        assertThat(go.status()).as(go.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(FlowFixture.stored(go.data())).containsOnlyKeys("first", "second", "third");
        assertThat(stop.status()).as(stop.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(FlowFixture.stored(stop.data())).containsOnlyKeys("first", "second");
    }

    @Test
    void whenThatDoesNotParseIsAWarningAndFailsTheStepWhenItRuns() {
        fx.flow("bad_when.yml", """
                name: bad when
                steps:
                  - name: a
                    type: set_fact
                    when: "tickets | length >"
                    set_fact:
                      value: 1
                """);

        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("bad_when.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(5);
                    assertThat(p.message()).contains("when");
                });
        RunResult r = fx.run("bad_when.yml");
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("when: the expression does not parse");
    }
}
