package io.octoflow.execution;

import java.time.Instant;

/** What happened to one step in one run. */
public record StepRecord(String step, String status, Instant start, long durationMicros, String error) {
}
