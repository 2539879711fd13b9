package io.octoflow.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.FlowFixture;

class TimeoutTest {

    /** A correctness bound (the sleeps are 30 s), not a performance target. */
    private static final Duration WELL_UNDER_THE_SLEEP = Duration.ofSeconds(15);

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

    private RunResult timed(String flowFile, Map<String, Object> data) {
        var flow = fx.load(flowFile);
        long start = System.nanoTime();
        RunResult r = fx.engine().run(flow, null, data);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("the run must return well before the 30 s sleep ends").isLessThan(WELL_UNDER_THE_SLEEP);
        return r;
    }

    @Test
    void aSleepLongerThanTheFlowTimeoutEndsTheRunWithStatusTimeout() {
        fx.flow("slow.yml", """
                name: slow
                timeout_seconds: 1
                steps:
                  - name: before
                    type: set_fact
                    set_fact:
                      value: ran
                  - name: long nap
                    type: sleep
                    sleep:
                      seconds: 30
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = timed("slow.yml", Map.of());

        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(r.error()).contains("flow 'slow' timed out");
        assertThat(r.data()).containsEntry("before", "ran").doesNotContainKey("after");
        assertThat(r.steps()).extracting(StepRecord::step).doesNotContain("after");
        assertThat(r.status().ok()).isFalse();
    }

    @Test
    void flowTimeoutSecondsFromTheConfigApplyWhenTheFlowHasNone() {
        fx.set("FLOW_TIMEOUT_SECONDS", "1");
        fx.flow("slow_default.yml", """
                name: slow default
                steps:
                  - name: long nap
                    type: sleep
                    sleep:
                      seconds: 30
                """);

        RunResult r = timed("slow_default.yml", Map.of());

        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
    }

    @Test
    void anEndlessGotoLoopEndsWithStatusTimeout() {
        fx.flow("endless.yml", """
                name: endless
                timeout_seconds: 1
                steps:
                  - name: counter
                    type: set_fact
                    set_fact:
                      value: "{{ (counter | default(0) | int) + 1 }}"
                  - name: pause
                    type: sleep
                    sleep:
                      seconds: 0.01
                  - name: again
                    type: goto
                    goto:
                      step_name: counter
                """);

        RunResult r = timed("endless.yml", Map.of());

        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(Integer.parseInt((String) r.data().get("counter"))).isPositive();
    }

    @Test
    void aSleepInASubFlowIsCutShortToo() {
        fx.flow("lib/nap.yml", """
                name: nap
                steps:
                  - name: long nap
                    type: sleep
                    sleep:
                      seconds: 30
                """);
        fx.flow("parent.yml", """
                name: parent
                timeout_seconds: 1
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: lib/nap.yml
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = timed("parent.yml", Map.of());

        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(r.error()).contains("flow 'parent' timed out");
        assertThat(r.data()).doesNotContainKey("after");
    }
}
