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
import io.octoflow.flow.Problem;
import io.octoflow.support.FlowFixture;

/**
 * What the spooler fails on only when it runs a step (a when, template or jq program that does not compile) loads
 * with a warning; the step fails when it runs, an error ignore_errors sees; a step that does not run does not fail.
 * Keys the spooler does not read are warnings too.
 */
class CompileWarningsRunTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("broken.yml", """
                name: broken parts
                description: a flow the spooler runs
                owner: ops
                steps:
                  - name: bad template
                    type: set_fact
                    description: ignored by the spooler
                    when: "__input__.run_template | default(false)"
                    set_fact:
                      value: "{{ x "
                  - name: bad jq
                    type: jq
                    when: "__input__.run_jq | default(false)"
                    ignore_errors: ["{}"]
                    jq:
                      expression: ".[] |"
                      data_key: "."
                  - name: bad jq_expression
                    type: set_fact
                    jq_expression: "{"
                    when: "__input__.run_jq | default(false)"
                    ignore_errors: [".*"]
                    set_fact:
                      value: 1
                  - name: bad when
                    type: set_fact
                    when: "__input__.run_when and ("
                    ignore_errors: ["does not parse"]
                    set_fact:
                      value: 2
                  - name: done
                    type: set_fact
                    set_fact:
                      value: done
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void theFlowLoadsWithWarningsOnly() {
        List<Problem> warnings = fx.engine().catalog().warnings(fx.flows().resolve("broken.yml"));

        assertThat(fx.engine().validate(fx.flows().resolve("broken.yml"))).isEmpty();
        assertThat(warnings).extracting(Problem::line).containsExactly(3, 7, 10, 16, 20, 27);
        assertThat(warnings).extracting(Problem::message).anySatisfy(m -> assertThat(m).contains("unknown key 'owner'"))
                .anySatisfy(m -> assertThat(m).contains("unknown key 'description'"))
                .anySatisfy(m -> assertThat(m).contains("the template does not parse", "fails when it runs"))
                .anySatisfy(m -> assertThat(m).contains("step 'bad jq': jq does not compile"))
                .anySatisfy(m -> assertThat(m).contains("step 'bad jq_expression': jq does not compile"))
                .anySatisfy(m -> assertThat(m).contains("when: the expression does not parse"));
    }

    @Test
    void stepsThatDoNotRunDoNotFail() {
        RunResult r = fx.run("broken.yml", Map.of("run_when", false), Map.of());

        // the broken when fails (ignored), everything else is skipped
        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("done", "done").doesNotContainKeys("bad template", "bad jq");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly("bad template:skipped",
                "bad jq:skipped", "bad jq_expression:skipped", "bad when:ignored", "done:success");
    }

    @Test
    void brokenPartsFailTheirStepWhenItRunsAndIgnoreErrorsSeesIt() {
        RunResult jq = fx.run("broken.yml", Map.of("run_jq", true), Map.of());
        RunResult template = fx.run("broken.yml", Map.of("run_template", true), Map.of());

        assertThat(jq.status()).as(jq.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) jq.data().get("__errors__");
        assertThat(errors).extracting(e -> e.get("step")).containsExactly("bad jq", "bad jq_expression", "bad when");
        assertThat((String) errors.get(0).get("error")).contains("jq does not compile", "broken.yml line 16");
        assertThat(jq.data()).doesNotContainKeys("bad jq", "bad jq_expression");
        assertThat(template.status()).isEqualTo(RunStatus.FAILED);
        assertThat(template.error()).contains("bad template", "the template does not parse");
    }
}
