package io.octoflow.execution;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a run still going, kept in memory only (the history gets its steps when the run ends): the steps
 * finished so far, in the order they ran, and the step being run now.
 *
 * @param steps   the step records so far (one per attempt of a step with retry)
 * @param current the step in progress, or null (between two steps, or in none)
 */
public record RunProgress(List<StepRecord> steps, CurrentStep current) {

    public RunProgress {
        steps = List.copyOf(steps);
    }

    /** The step being run: its name and when it (this attempt) started. */
    public record CurrentStep(String step, Instant start) {
    }
}
