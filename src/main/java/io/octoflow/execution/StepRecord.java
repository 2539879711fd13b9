package io.octoflow.execution;

import java.time.Instant;

/**
 * What happened to one step in one run; a step with {@code retry} has one record per attempt ({@code attempt} 1, 2...,
 * every one but the last with status {@code retried}).
 */
public record StepRecord(String step, String status, Instant start, long durationMicros, String error, int attempt) {

    /** The record of a step's first (or only) attempt. */
    public StepRecord(String step, String status, Instant start, long durationMicros, String error) {
        this(step, status, start, durationMicros, error, 1);
    }
}
