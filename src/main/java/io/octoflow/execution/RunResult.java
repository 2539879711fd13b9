package io.octoflow.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The outcome of one launched run: status, final data and error (secrets masked), and each step's record. */
public record RunResult(
        String executionId,
        String flowName,
        RunStatus status,
        Map<String, Object> data,
        String error,
        List<StepRecord> steps,
        Instant started,
        Instant ended) {

    public long durationMillis() {
        return ended.toEpochMilli() - started.toEpochMilli();
    }
}
