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

class FlowStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("lib/summarize.yml", """
                name: summarize
                steps:
                  - name: summary
                    type: set_fact
                    set_fact:
                      value:
                        ticket: "{{ __input__.id }}"
                        line: "{{ __input__.id }}: {{ __input__.title }}"
                        job: "{{ __job_id__ }}"
                        stamp: "{{ __timestamp__ }}"
                        path: "{{ __flow_path__ }}"
                  - name: parent data visible
                    type: set_fact
                    set_fact:
                      value: "{{ parent_only | default('not visible') }}"
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void subFlowGetsInputAndItsDataIsTheResult() {
        fx.flow("parent.yml", """
                name: parent
                steps:
                  - name: parent_only
                    type: set_fact
                    set_fact:
                      value: secret of the parent
                  - name: call
                    type: flow
                    flow:
                      path: lib/summarize.yml
                      data_key: tickets.1
                  - name: after
                    type: set_fact
                    set_fact:
                      value: "{{ call.summary.line }}"
                """);

        RunResult r = fx.run("parent.yml", Map.of("tickets",
                List.of(Map.of("id", "T-1", "title", "first"), Map.of("id", "T-2", "title", "second"))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> call = (Map<String, Object>) r.data().get("call");
        assertThat(FlowFixture.stored(call)).containsOnlyKeys("summary", "parent data visible");
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) call.get("summary");
        assertThat(summary).containsEntry("ticket", "T-2").containsEntry("line", "T-2: second")
                // as the spooler builds a sub-flow: no job id, the file's full path
                .containsEntry("job", null).containsEntry("path", fx.flows().resolve("lib/summarize.yml").toString());
        assertThat((String) summary.get("stamp")).matches("\\d{14}");
        // the sub-flow has its own data: the parent's keys are not part of it
        assertThat(call.get("parent data visible")).isEqualTo("not visible");
        assertThat(r.data().get("after")).isEqualTo("T-2: second");
        // the sub-flow's steps are not the parent's
        assertThat(r.steps()).extracting(s -> s.step()).containsExactly("parent_only", "call", "after");
    }

    @Test
    void subFlowWithJqExpressionOnItsResult() {
        fx.flow("parent_jq.yml", """
                name: parent jq
                steps:
                  - name: call
                    type: flow
                    result_key: line
                    flow:
                      path: lib/summarize.yml
                      data_key: ticket
                    jq_expression: ".summary.line"
                """);

        RunResult r = fx.run("parent_jq.yml", Map.of("ticket", Map.of("id", "T-9", "title", "x")));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("line")).isEqualTo("T-9: x");
    }

    @Test
    void subFlowFailureFailsTheCallingStepWithTheSubFlowsMessage() {
        fx.flow("lib/failing.yml", """
                name: failing
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: nowhere/absent.json
                  - name: never
                    type: set_fact
                    set_fact:
                      value: no
                """);
        fx.flow("parent_fail.yml", """
                name: parent fail
                steps:
                  - name: call failing
                    type: flow
                    flow:
                      path: lib/failing.yml
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = fx.run("parent_fail.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error())
                .contains("flow 'parent fail' failed at step 'call failing'")
                .contains("flow 'failing' failed at step 'read missing'")
                .contains("nowhere/absent.json");
        assertThat(r.data()).doesNotContainKeys("after", "call failing");
    }

    @Test
    void subFlowFailureCanBeIgnored() {
        fx.flow("lib/failing.yml", """
                name: failing
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: absent.json
                """);
        fx.flow("parent_ignore.yml", """
                name: parent ignore
                steps:
                  - name: call failing
                    type: flow
                    flow:
                      path: lib/failing.yml
                    ignore_errors: ["does not exist"]
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = fx.run("parent_ignore.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("after")).isEqualTo("ran");
        assertThat(r.data().get("__errors__")).asList().hasSize(1);
    }

    @Test
    void cyclesAreInvalidAndAMissingSubFlowFailsTheStepWhenItRuns() {
        fx.flow("a.yml", """
                name: a
                steps:
                  - name: call b
                    type: flow
                    flow:
                      path: b.yml
                """);
        fx.flow("b.yml", """
                name: b
                steps:
                  - name: call a
                    type: flow
                    flow:
                      path: a.yml
                """);
        fx.flow("orphan.yml", """
                name: orphan
                steps:
                  - name: call nothing
                    type: flow
                    flow:
                      path: lib/absent.yml
                """);

        assertThatThrownBy(() -> fx.load("a.yml"))
                .isInstanceOf(InvalidFlowException.class).hasMessageContaining("cycle");
        // the spooler opens a sub-flow only when the step runs: a warning at load, the step's error at run
        RunResult orphan = fx.run("orphan.yml", Map.of());
        assertThat(orphan.status()).isEqualTo(RunStatus.FAILED);
        assertThat(orphan.error()).contains("Flow file not found: ").contains("absent.yml");
    }
}
