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

class SleepStepTest {

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
    void pausesAndStoresAnEmptyMapping() {
        fx.flow("sleep.yml", """
                name: sleepy
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 0.05
                  - name: whole nap
                    type: sleep
                    sleep:
                      seconds: 0
                  - name: after
                    type: set_fact
                    set_fact:
                      value: awake
                """);

        RunResult r = fx.run("sleep.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        // the spooler stores {} under a sleep's result_key
        assertThat(FlowFixture.stored(r.data())).containsOnlyKeys("nap", "whole nap", "after").containsEntry("nap", Map.of());
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("nap:success", "whole nap:success", "after:success");
    }

    @Test
    void negativeOrNonNumericSecondsAreInvalid() {
        fx.flow("bad_sleep.yml", """
                name: bad sleep
                steps:
                  - name: negative
                    type: sleep
                    sleep:
                      seconds: -1
                  - name: text
                    type: sleep
                    sleep:
                      seconds: soon
                """);

        assertThatThrownBy(() -> fx.load("bad_sleep.yml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.problems().get(0).line()).isEqualTo(6);
                    assertThat(e.problems().get(0).message()).contains("negative").contains("sleep.seconds");
                    assertThat(e.problems().get(1).line()).isEqualTo(10);
                    assertThat(e.problems().get(1).message()).contains("text").contains("seconds");
                });
    }
}
