package io.octoflow.history;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;

/**
 * One run of a flow as the execution history keeps it.
 *
 * @param id          the execution id (the run's job id), at most 64 characters
 * @param flowName    the flow's name
 * @param flowPath    the flow file, as the service names it (nullable)
 * @param trigger     what started the run: the {@link io.octoflow.execution.Trigger#label() label} of a
 *                    {@link io.octoflow.execution.Trigger} ({@code schedule}, {@code api}, {@code cli}...); the
 *                    repository refuses any other word
 * @param scheduledAt the trigger's fire time for scheduled runs, else null
 * @param startedAt   when the run started (for a skipped fire: when the fire was refused; while {@code queued}:
 *                    when it was admitted, the order of the queue)
 * @param endedAt     when the run ended; null while it is {@code queued} or {@code running}
 * @param status      one of {@link #STATUSES}, lowercase
 * @param error       the run's error message, or null
 * @param input       the launch data as JSON text, or null
 * @param data        the final {@code _data} as JSON text (secrets already masked), or null; always null in
 *                    the summary rows of {@link ExecutionRepository#list(ExecutionQuery)}
 * @param steps       the step records in the order they ran; empty in summary rows, never null
 * @param stepsDropped how many step records of the run were not kept, beyond the cap on steps per run
 */
public record Execution(
        String id,
        String flowName,
        String flowPath,
        String trigger,
        Instant scheduledAt,
        Instant startedAt,
        Instant endedAt,
        String status,
        String error,
        String input,
        String data,
        List<StepRecord> steps,
        int stepsDropped) {

    // the labels of RunStatus, the one status type of a run, as constants for switch statements
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String SUCCESS = "success";
    public static final String FAILED = "failed";
    public static final String EXIT = "exit";
    public static final String SKIPPED = "skipped";
    public static final String TIMEOUT = "timeout";
    public static final String ABORTED = "aborted";

    /** Every status the store accepts: every {@link RunStatus}. */
    public static final Set<String> STATUSES = Arrays.stream(RunStatus.values()).map(RunStatus::label)
            .collect(Collectors.toUnmodifiableSet());

    static {
        if (!STATUSES.equals(Set.of(QUEUED, RUNNING, SUCCESS, FAILED, EXIT, SKIPPED, TIMEOUT, ABORTED))) {
            throw new IllegalStateException("Execution's status words differ from RunStatus: " + STATUSES);
        }
    }

    public Execution {
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A run whose steps were all kept. */
    public Execution(String id, String flowName, String flowPath, String trigger, Instant scheduledAt,
                     Instant startedAt, Instant endedAt, String status, String error, String input, String data,
                     List<StepRecord> steps) {
        this(id, flowName, flowPath, trigger, scheduledAt, startedAt, endedAt, status, error, input, data, steps, 0);
    }

    /** A run that just started: what {@link ExecutionRepository#started(Execution)} stores. */
    public static Execution running(String id, String flowName, String flowPath, String trigger,
                                    Instant scheduledAt, Instant startedAt, String input) {
        return new Execution(id, flowName, flowPath, trigger, scheduledAt, startedAt, null, RUNNING, null,
                input, null, List.of());
    }

    /** A scheduled fire refused because the flow was locked: recorded whole with {@link ExecutionRepository#record}. */
    public static Execution skipped(String id, String flowName, String flowPath, Instant scheduledAt,
                                    Instant at, String reason) {
        return new Execution(id, flowName, flowPath, "schedule", scheduledAt, at, at, SKIPPED, reason,
                null, null, List.of());
    }

    /** True once the run has a final status (neither waiting for its turn nor running). */
    public boolean ended() {
        return ended(status);
    }

    /** True for a final status: not {@code queued}, not {@code running}. */
    public static boolean ended(String status) {
        return !RUNNING.equals(status) && !QUEUED.equals(status);
    }

    /**
     * The lowercase form of {@code status} when it is one the store accepts.
     *
     * @throws IllegalArgumentException naming the accepted statuses otherwise
     */
    public static String checkStatus(String status) {
        if (status == null) {
            throw new IllegalArgumentException("execution status is missing; expected one of " + STATUSES);
        }
        String s = status.trim().toLowerCase(java.util.Locale.ROOT);
        if (!STATUSES.contains(s)) {
            throw new IllegalArgumentException("unknown execution status '" + status + "'; expected one of "
                    + "queued, running, success, failed, exit, skipped, timeout, aborted");
        }
        return s;
    }
}
