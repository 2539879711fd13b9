package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;
import io.octoflow.support.FlowFixture;

/** Runaway jq programs end their step with the limit that stopped them, and leave no thread working. */
class JqLimitsTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir).set("JQ_MAX_STEPS", "200000").set("JQ_MAX_OUTPUT_NODES", "5000");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private RunResult jq(String program, int timeoutSeconds) {
        fx.flow("jq.yml", """
                name: runaway
                timeout_seconds: %d
                steps:
                  - name: work
                    type: jq
                    jq:
                      expression: '%s'
                  - name: after
                    type: set_fact
                    set_fact:
                      value: reached
                """.formatted(timeoutSeconds, program));
        return fx.run("jq.yml");
    }

    private static String stepError(RunResult result) {
        return result.steps().stream().map(StepRecord::error).filter(e -> e != null).findFirst().orElse("");
    }

    /** Whether some thread is evaluating a jq program now. */
    private static boolean jqRunning() {
        return Thread.getAllStackTraces().values().stream().flatMap(Arrays::stream)
                .anyMatch(frame -> frame.getClassName().startsWith("net.thisptr.jackson.jq."));
    }

    @Test
    void anArrayOfABillionNumbersStopsAtTheStepLimit() {
        RunResult r = jq("[range(1e9)]", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("jq program stopped after 200000 steps (JQ_MAX_STEPS");
        assertThat(r.data()).doesNotContainKey("after");
    }

    @Test
    void anEndlessGeneratorWithoutOutputStopsAtTheStepLimit() {
        RunResult r = jq("last(range(1e12))", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("(JQ_MAX_STEPS");
    }

    @Test
    void endlessLoopsThroughBuiltinsStop() {
        for (String program : List.of("[limit(1e9; 1 | recurse(. + 1))]", "until(false; . + 1)",
                "[1 | while(true; .)]", "reduce range(1e12) as $i (0; . + $i)")) {
            RunResult r = jq(program, 60);

            assertThat(r.status()).as(program + ": " + r.error()).isEqualTo(RunStatus.FAILED);
            assertThat(r.error()).as(program).containsAnyOf("(JQ_MAX_STEPS", "recursed deeper than the stack");
        }
    }

    @Test
    void endlessRecursionOfTheProgramsOwnFunctionIsAStepError() {
        RunResult r = jq("def f: 1 + f; f", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("jq program stopped: it recursed deeper than the stack allows");
    }

    @Test
    void tryCannotSwallowTheLimit() {
        RunResult r = jq("try last(range(1e12)) catch \"swallowed\"", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("(JQ_MAX_STEPS").doesNotContain("swallowed");
    }

    @Test
    void outputsAreBoundedInValues() {
        fx.set("JQ_MAX_STEPS", "100000000");

        RunResult r = jq("[range(10000)]", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("its output has more than 5000 values (JQ_MAX_OUTPUT_NODES)");
    }

    @Test
    void aProgramWithinTheLimitsRuns() {
        RunResult r = jq("[range(1000)] | map(select(. % 2 == 0)) | length", 60);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("work")).isEqualTo(500);
    }

    @Test
    void aRunThatTimesOutStopsItsJqProgramAndFreesTheThread() {
        fx.set("JQ_MAX_STEPS", String.valueOf(Long.MAX_VALUE));

        RunResult r = jq("last(range(1e15))", 2);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.TIMEOUT);
        await().atMost(Duration.ofSeconds(30)).until(() -> !jqRunning());
        assertThat(stepError(r)).contains("jq program stopped: the run timed out");
    }

    @Test
    void aJqExpressionOfAnotherStepIsBoundedToo() {
        fx.flow("expr.yml", """
                name: expression
                steps:
                  - name: seed
                    type: set_fact
                    set_fact:
                      value: {n: 1}
                    jq_expression: "[range(1e9)]"
                """);

        RunResult r = fx.run("expr.yml", Map.of());

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("(JQ_MAX_STEPS");
    }
}
