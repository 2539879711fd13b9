package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

/** __timestamp__, __job_id__, __flow_path__, __input__, __loop_index__ and data_key forms. */
class SpecialVariablesStepTest {

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
    void specialVariablesInTemplates() {
        fx.flow("team/specials.yml", """
                name: specials
                steps:
                  - name: vars
                    type: set_fact
                    set_fact:
                      value:
                        timestamp: "{{ __timestamp__ }}"
                        job: "{{ __job_id__ }}"
                        path: "{{ __flow_path__ }}"
                        input: "{{ __input__ }}"
                        input_team: "{{ __input__.team }}"
                        loop_index: "{{ __loop_index__ }}"
                        errors: "{{ __errors__ }}"
                """);

        Map<String, Object> input = Map.of("team", "ops", "ids", List.of(1, 2));
        RunResult r = fx.run("team/specials.yml", input, Map.of("unrelated", true));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) r.data().get("vars");
        String timestamp = (String) vars.get("timestamp");
        assertThat(timestamp).matches("\\d{14}");
        assertThat(timestamp).isEqualTo(DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
                .format(r.started()));
        assertThat(vars.get("job")).isEqualTo(r.jobId());
        assertThat(r.jobId()).isNotBlank();
        assertThat(vars.get("path")).isEqualTo("team/specials.yml");
        assertThat(vars.get("input")).isEqualTo(input);
        assertThat(vars.get("input_team")).isEqualTo("ops");
        assertThat(vars.get("loop_index")).isNull();
        assertThat(vars.get("errors")).isEqualTo(List.of());
        // special variables are not flow data
        assertThat(r.data()).containsOnlyKeys("unrelated", "vars");
    }

    @Test
    void eachRunHasItsOwnJobId() {
        fx.flow("job.yml", """
                name: job
                steps:
                  - name: job
                    type: set_fact
                    set_fact:
                      value: "{{ __job_id__ }}"
                """);

        RunResult first = fx.run("job.yml");
        RunResult second = fx.run("job.yml");

        assertThat(first.data().get("job")).isEqualTo(first.jobId());
        assertThat(second.data().get("job")).isEqualTo(second.jobId());
        assertThat(first.jobId()).isNotEqualTo(second.jobId());
    }

    @Test
    void specialVariablesAsDataKey() {
        fx.flow("keyed.yml", """
                name: keyed specials
                steps:
                  - name: input ids
                    type: jq
                    jq:
                      expression: '.ids | map(. * 2)'
                      data_key: __input__
                  - name: input team
                    type: jq
                    jq:
                      expression: '.'
                      data_key: __input__.team
                  - name: stamp
                    type: jq
                    jq:
                      expression: 'length'
                      data_key: __timestamp__
                """);

        RunResult r = fx.run("keyed.yml", Map.of("team", "ops", "ids", List.of(1, 2)), Map.of());

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("input ids")).isEqualTo(List.of(2, 4));
        assertThat(r.data().get("input team")).isEqualTo("ops");
        assertThat(r.data().get("stamp")).isEqualTo(14);
    }

    @Test
    void dataKeyDotAndDottedPaths() {
        fx.flow("dotted.yml", """
                name: dotted
                steps:
                  - name: whole
                    type: jq
                    jq:
                      expression: 'keys'
                      data_key: "."
                  - name: second title
                    type: jq
                    jq:
                      expression: '.'
                      data_key: tickets.1.title
                  - name: nested
                    type: jq
                    jq:
                      expression: '.'
                      data_key: tickets.0.fields.owner
                  - name: missing
                    type: jq
                    jq:
                      expression: '.'
                      data_key: tickets.5.title
                """);

        RunResult r = fx.run("dotted.yml", Map.of("tickets", List.of(
                Map.of("title", "one", "fields", Map.of("owner", "ann")), Map.of("title", "two")), "x", 1));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        // as on the spooler, jq's data_key "." is a (missing) key: {} as input
        assertThat(r.data().get("whole")).isEqualTo(List.of());
        assertThat(r.data().get("second title")).isEqualTo("two");
        assertThat(r.data().get("nested")).isEqualTo("ann");
        // a path that leads nowhere is a missing key: {} as input, as the spooler gives for any missing key
        assertThat(r.data().get("missing")).isEqualTo(Map.of());
    }

    @Test
    void subFlowsShareTheTimestampAndJobIdAndHaveTheirOwnPath() {
        fx.flow("lib/child.yml", """
                name: child
                steps:
                  - name: vars
                    type: set_fact
                    set_fact:
                      value:
                        timestamp: "{{ __timestamp__ }}"
                        job: "{{ __job_id__ }}"
                        path: "{{ __flow_path__ }}"
                        input: "{{ __input__ }}"
                """);
        fx.flow("parent.yml", """
                name: parent
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: lib/child.yml
                      data_key: "."
                  - name: mine
                    type: set_fact
                    set_fact:
                      value: "{{ __timestamp__ }}"
                """);

        RunResult r = fx.run("parent.yml", Map.of("a", 1));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) ((Map<String, Object>) r.data().get("call")).get("vars");
        assertThat(vars).containsEntry("timestamp", r.data().get("mine")).containsEntry("job", r.jobId())
                .containsEntry("path", "lib/child.yml");
        // data_key "." hands the whole parent data to the sub-flow
        assertThat(vars.get("input")).isEqualTo(Map.of("a", 1));
    }
}
