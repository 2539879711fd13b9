package io.octoflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;

/** The step timers FlowMetrics keeps once registered: every run counts in them, and a removed flow's go with it. */
class StepTimersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FlowMetrics metrics = new FlowMetrics(registry);

    @Test
    void eachRunCountsInItsStepsTimersUntilTheFlowIsRemovedThenInNewOnes() {
        metrics.finished("sum", "sum.yml", run("sum", "add", "show"));
        metrics.finished("sum", "sum.yml", run("sum", "add", "show"));
        metrics.finished("other", "other.yml", run("other", "add"));
        assertThat(count("sum.yml", "add")).isEqualTo(2);
        assertThat(count("sum.yml", "show")).isEqualTo(2);
        assertThat(count("other.yml", "add")).isEqualTo(1);

        metrics.flowRemoved("sum.yml");
        assertThat(registry.find("octoflow.step.duration").tag("path", "sum.yml").timers()).isEmpty();
        assertThat(count("other.yml", "add")).isEqualTo(1);

        metrics.finished("sum", "sum.yml", run("sum", "add"));
        assertThat(count("sum.yml", "add")).isEqualTo(1);
        // a flow renamed in the same file: its own series
        metrics.finished("total", "sum.yml", run("total", "add"));
        assertThat(registry.find("octoflow.step.duration").tags("path", "sum.yml", "flow", "total").timer().count())
                .isEqualTo(1);
        assertThat(count("sum.yml", "add")).isEqualTo(2); // both series of the path
    }

    private long count(String path, String step) {
        return registry.find("octoflow.step.duration").tags("path", path, "step", step).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static RunResult run(String flow, String... steps) {
        Instant now = Instant.now();
        List<StepRecord> records = java.util.Arrays.stream(steps)
                .map(step -> new StepRecord(step, "success", now, 1500, null)).toList();
        return new RunResult("id", flow, RunStatus.SUCCESS, Map.of(), null, records, now, now);
    }
}
