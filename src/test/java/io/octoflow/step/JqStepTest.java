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

class JqStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.dataFile("tickets.json", """
                {"result": [
                  {"id": "T-1", "priority": "high", "owner": "ann"},
                  {"id": "T-2", "priority": "low", "owner": "bob"},
                  {"id": "T-3", "priority": "high", "owner": "ann"}
                ]}
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void expressionOnADataKey() {
        fx.flow("jq.yml", """
                name: jq data key
                steps:
                  - name: read
                    type: file
                    file:
                      path: tickets.json
                  - name: urgent
                    type: jq
                    jq:
                      expression: '[.result[] | select(.priority == "high") | {id, owner}]'
                      data_key: read
                """);

        RunResult r = fx.run("jq.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("urgent")).isEqualTo(List.of(
                Map.of("id", "T-1", "owner", "ann"), Map.of("id", "T-3", "owner", "ann")));
    }

    @Test
    void withoutDataKeyTheProgramSeesTheWholeData() {
        fx.flow("jq_all.yml", """
                name: jq whole data
                steps:
                  - name: read
                    type: file
                    result_key: tickets
                    file:
                      path: tickets.json
                  - name: by owner
                    type: jq
                    jq:
                      expression: '.tickets.result | group_by(.owner) | map({(.[0].owner): length}) | add'
                  - name: keys
                    type: jq
                    jq:
                      expression: 'keys'
                """);

        RunResult r = fx.run("jq_all.yml", Map.of("given", 1));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("by owner")).isEqualTo(Map.of("ann", 2, "bob", 1));
        assertThat(r.data().get("keys")).asList().contains("by owner", "given", "tickets", "__input__");
    }

    @Test
    void noDataKeyIsTheWholeDataAndDotIsAnEmptyMapping() {
        fx.flow("jq_dot.yml", """
                name: jq dot
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 2
                  - name: sum
                    type: jq
                    jq:
                      expression: '.a + .b'
                  - name: dot
                    type: jq
                    jq:
                      expression: '.'
                      data_key: "."
                """);

        RunResult r = fx.run("jq_dot.yml", Map.of("b", 40));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("sum")).isEqualTo(42);
        // the spooler looks "." up as a key of the data: jq gets {}
        assertThat(r.data().get("dot")).isEqualTo(Map.of());
    }

    @Test
    void noOutputGivesNullAndSeveralOutputsGiveAList() {
        fx.flow("jq_outputs.yml", """
                name: jq outputs
                steps:
                  - name: read
                    type: file
                    file:
                      path: tickets.json
                  - name: none
                    type: jq
                    jq:
                      expression: '.result[] | select(.priority == "urgent")'
                      data_key: read
                  - name: empty
                    type: jq
                    jq:
                      expression: 'empty'
                      data_key: read
                  - name: several
                    type: jq
                    jq:
                      expression: '.result[].id'
                      data_key: read
                  - name: one
                    type: jq
                    jq:
                      expression: '.result[0].id'
                      data_key: read
                  - name: several objects
                    type: jq
                    jq:
                      expression: '.result[] | select(.owner == "ann") | {id}'
                      data_key: read
                """);

        RunResult r = fx.run("jq_outputs.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("none", null).containsEntry("empty", null);
        assertThat(r.data().get("several")).isEqualTo(List.of("T-1", "T-2", "T-3"));
        assertThat(r.data().get("one")).isEqualTo("T-1");
        assertThat(r.data().get("several objects")).isEqualTo(List.of(Map.of("id", "T-1"), Map.of("id", "T-3")));
    }

    @Test
    void jqExpressionWorksOnAnyStep() {
        fx.flow("jq_any.yml", """
                name: jq expression on any step
                steps:
                  - name: fact
                    type: set_fact
                    jq_expression: '.items | map(. * 10)'
                    set_fact:
                      value:
                        items: [1, 2, 3]
                  - name: filtered
                    type: jq
                    jq:
                      expression: '.[]'
                      data_key: fact
                    jq_expression: 'length'
                  - name: first id
                    type: file
                    file:
                      path: tickets.json
                    jq_expression: '.result[0].id'
                  - name: nothing
                    type: set_fact
                    set_fact:
                      value: [1]
                    jq_expression: '.[] | select(. > 5)'
                """);

        RunResult r = fx.run("jq_any.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("fact")).isEqualTo(List.of(10, 20, 30));
        assertThat(r.data().get("filtered")).isEqualTo(3);
        assertThat(r.data().get("first id")).isEqualTo("T-1");
        assertThat(r.data()).containsEntry("nothing", null);
    }

    @Test
    void aRuntimeJqErrorFailsTheStep() {
        fx.flow("jq_error.yml", """
                name: jq error
                steps:
                  - name: text
                    type: set_fact
                    set_fact:
                      value: "just text"
                  - name: index text
                    type: jq
                    jq:
                      expression: '.[0] + 1'
                      data_key: text
                """);

        RunResult r = fx.run("jq_error.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("index text");
    }

    @Test
    void aMissingDataKeyGivesAnEmptyMappingAsInput() {
        fx.flow("jq_missing.yml", """
                name: jq missing key
                steps:
                  - name: transform
                    type: jq
                    jq:
                      expression: '.'
                      data_key: nowhere
                """);

        RunResult r = fx.run("jq_missing.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("transform")).isEqualTo(Map.of());
    }

    @Test
    void integralNumbersComeOutAsIntegersAsLibjqPrintsThem() {
        fx.flow("jq_numbers.yml", """
                name: jq numbers
                steps:
                  - name: n
                    type: jq
                    jq:
                      expression: '{half: (.x / 2), third: (.x / 3), whole: (.y * 1.0)}'
                      data_key: input
                """);

        RunResult r = fx.run("jq_numbers.yml", Map.of("input", Map.of("x", 4, "y", 1.0)));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) r.data().get("n");
        assertThat(n.get("half")).isEqualTo(2);
        assertThat(n.get("whole")).isEqualTo(1);
        assertThat((Double) n.get("third")).isCloseTo(4 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void jqThatDoesNotCompileIsInvalid() {
        fx.flow("jq_bad.yml", """
                name: jq bad
                steps:
                  - name: broken
                    type: jq
                    jq:
                      expression: '.[] |'
                """);

        // the spooler fails only when the step runs: a warning, and the step fails when it runs
        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("jq_bad.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(6);
                    assertThat(p.message()).contains("broken").contains("jq does not compile");
                });
        RunResult r = fx.run("jq_bad.yml");
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("broken", "jq does not compile");
    }
}
