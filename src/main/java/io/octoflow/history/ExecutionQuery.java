package io.octoflow.history;

import java.time.Instant;

/**
 * A page of the execution history, newest first. Every filter is optional (null).
 *
 * @param flow   only runs of this flow name (exact match)
 * @param status only runs with this status (one of {@link Execution#STATUSES}, any case)
 * @param from   only runs started at or after this instant (inclusive)
 * @param to     only runs started before this instant (exclusive)
 * @param limit  page size; 0 or less means {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}
 * @param offset rows to skip, 0 or more
 */
public record ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public ExecutionQuery {
        if (flow != null && flow.isBlank()) {
            flow = null;
        }
        if (status != null) {
            status = status.isBlank() ? null : Execution.checkStatus(status);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        if (limit <= 0) {
            limit = DEFAULT_LIMIT;
        }
        if (limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is over the maximum of " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
    }

    /** The newest {@code limit} runs, unfiltered. */
    public static ExecutionQuery latest(int limit) {
        return new ExecutionQuery(null, null, null, null, limit, 0);
    }
}
