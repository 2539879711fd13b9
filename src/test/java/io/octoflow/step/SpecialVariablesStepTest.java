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
        // the run's start, in local time of TIMEZONE (UTC by default)
        assertThat(timestamp).isIn(
                DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(r.started()),
                DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC)
                        .format(r.started().plusSeconds(1)));
        assertThat(vars.get("job")).isEqualTo(r.executionId());
        assertThat(r.executionId()).isNotBlank();
        assertThat(vars.get("path")).isEqualTo("team/specials.yml");
        assertThat(vars.get("input")).isEqualTo(input);
        assertThat(vars.get("input_team")).isEqualTo("ops");
        assertThat(vars.get("loop_index")).isNull();
        assertThat(vars.get("errors")).isEqualTo(List.of());
        // as on the spooler, the special variables are keys of the flow data from the start, in this order
        assertThat(r.data().keySet()).containsExactly("__errors__", "__input__", "__loop_index__", "__job_id__",
                "__timestamp__", "__flow_path__", "unrelated", "vars");
        assertThat(r.data()).containsEntry("__input__", input).containsEntry("__job_id__", r.executionId())
                .containsEntry("__timestamp__", timestamp).containsEntry("__flow_path__", "team/specials.yml")
                .containsEntry("__loop_index__", null).containsEntry("__errors__", List.of());
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

        assertThat(first.data().get("job")).isEqualTo(first.executionId());
        assertThat(second.data().get("job")).isEqualTo(second.executionId());
        assertThat(first.executionId()).isNotEqualTo(second.executionId());
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
    void theLaunchPayloadIsInputOnlyAndAnEmptyMappingWhenNone() {
        fx.flow("payload.yml", """
                name: payload
                steps:
                  - name: seen
                    type: set_fact
                    set_fact:
                      value: "{{ team | default('not merged') }} / {{ __input__.team }}"
                  - name: whole
                    type: jq
                    jq:
                      expression: '.'
                      data_key: __input__
                """);

        RunResult given = fx.run("payload.yml", Map.of("team", "ops"), Map.of());
        RunResult none = fx.run("payload.yml");

        assertThat(given.status()).as(given.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(given.data()).containsEntry("seen", "not merged / ops").doesNotContainKey("team")
                .containsEntry("whole", Map.of("team", "ops"));
        assertThat(none.data()).containsEntry("__input__", Map.of()).containsEntry("whole", Map.of());
    }

    @Test
    void theTimestampIsLocalTimeInTheTimezoneSetting() {
        fx.set("TIMEZONE", "Pacific/Kiritimati");
        fx.flow("zone.yml", """
                name: zone
                steps:
                  - name: stamp
                    type: set_fact
                    set_fact:
                      value: "{{ __timestamp__ }}"
                """);

        RunResult r = fx.run("zone.yml");

        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(java.time.ZoneId.of("Pacific/Kiritimati"));
        assertThat((String) r.data().get("stamp")).isIn(local.format(r.started()),
                local.format(r.started().plusSeconds(1)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void subFlowsShareTheJobIdAndHaveTheirOwnPathAndTimestamp() {
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
        // as the spooler builds a sub-flow: no job id, the file's full path
        assertThat(vars).containsEntry("job", null)
                .containsEntry("path", fx.flows().resolve("lib/child.yml").toString());
        assertThat((String) vars.get("timestamp")).matches("\\d{14}");
        // data_key "." hands the whole parent data to the sub-flow
        assertThat((Map<String, Object>) vars.get("input")).containsEntry("a", 1)
                .containsEntry("__flow_path__", "parent.yml");
    }
}
