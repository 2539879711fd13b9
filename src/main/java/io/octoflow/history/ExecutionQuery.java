package io.octoflow.history;

import java.time.Instant;

/**
 * A page of the execution history, newest first. Every filter is optional (null).
 *
 * @param flow   only runs of flows with this name (exact match; files may share a name: use {@code path} to get
 *               one flow's runs)
 * @param status only runs with this status (one of {@link Execution#STATUSES}, any case)
 * @param from   only runs started at or after this instant (inclusive)
 * @param to     only runs started before this instant (exclusive)
 * @param limit  page size; 0 or less means {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}
 * @param offset rows to skip, 0 or more
 * @param path   only runs of the flow at this path (its id; exact match)
 */
public record ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset,
        String path) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    public ExecutionQuery {
        if (flow != null && flow.isBlank()) {
            flow = null;
        }
        if (path != null && path.isBlank()) {
            path = null;
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

    /** Without a path filter. */
    public ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset) {
        this(flow, status, from, to, limit, offset, null);
    }

    /** The runs of the flow at {@code path}, by status (may be null). */
    public static ExecutionQuery ofPath(String path, String status, int limit) {
        return new ExecutionQuery(null, status, null, null, limit, 0, path);
    }

    /** The newest {@code limit} runs, unfiltered. */
    public static ExecutionQuery latest(int limit) {
        return new ExecutionQuery(null, null, null, null, limit, 0);
    }
}
