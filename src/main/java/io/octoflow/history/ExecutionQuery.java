package io.octoflow.history;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import io.octoflow.execution.Trigger;

/**
 * A page of the execution history, newest first. Every filter is optional (null).
 *
 * @param flow      only runs of flows with this name (exact match; files may share a name: use {@code path} to
 *                  get one flow's runs)
 * @param status    only runs with this status (one of {@link Execution#STATUSES}, any case)
 * @param from      only runs started at or after this instant (inclusive)
 * @param to        only runs started before this instant (exclusive)
 * @param limit     page size; 0 or less means {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}
 * @param offset    rows to skip, 0 or more
 * @param path      only runs of the flow at this path (its id; exact match)
 * @param statuses  only runs with one of these statuses; an empty set matches nothing (the spooler API's
 *                  state and status filters map onto sets of Octoflow statuses)
 * @param endedFrom only runs that ended at or after this instant (inclusive; running rows never match)
 * @param endedTo   only runs that ended at or before this instant (inclusive; running rows never match)
 * @param trigger   only runs started by this trigger (a {@link io.octoflow.execution.Trigger} label, any case)
 * @param series    only runs whose final data has the {@value #SERIES_KEY} key, read with their data (the
 *                  console charts the values: docs/CONSOLE.md)
 */
public record ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset,
        String path, Set<String> statuses, Instant endedFrom, Instant endedTo, String trigger, boolean series) {

    /** The key of a flow's final data whose numbers the console charts, one point per run (docs/CONSOLE.md). */
    public static final String SERIES_KEY = "octoflow_series";

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
        if (trigger != null) {
            trigger = trigger.isBlank() ? null : Trigger.of(trigger).label();
        }
        if (statuses != null) {
            Set<String> checked = new LinkedHashSet<>();
            for (String s : statuses) {
                checked.add(Execution.checkStatus(s));
            }
            statuses = Set.copyOf(checked);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
        }
        if (endedFrom != null && endedTo != null && endedFrom.isAfter(endedTo)) {
            throw new IllegalArgumentException("end 'from' (" + endedFrom + ") is after end 'to' (" + endedTo + ")");
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

    /** Without a trigger filter. */
    public ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset,
            String path, Set<String> statuses, Instant endedFrom, Instant endedTo) {
        this(flow, status, from, to, limit, offset, path, statuses, endedFrom, endedTo, null, false);
    }

    public ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset) {
        this(flow, status, from, to, limit, offset, null, null, null, null);
    }

    /** With a path filter. */
    public ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset, String path) {
        this(flow, status, from, to, limit, offset, path, null, null, null);
    }

    /** With the spooler API's filters: a set of statuses and the end time. */
    public ExecutionQuery(String flow, String status, Instant from, Instant to, int limit, int offset,
            Set<String> statuses, Instant endedFrom, Instant endedTo) {
        this(flow, status, from, to, limit, offset, null, statuses, endedFrom, endedTo);
    }

    /** This query, only for the runs {@code trigger} started (null: any). */
    public ExecutionQuery withTrigger(String trigger) {
        return new ExecutionQuery(flow, status, from, to, limit, offset, path, statuses, endedFrom, endedTo, trigger,
                series);
    }

    /** This query, only for the runs that publish a series ({@value #SERIES_KEY}), with their final data. */
    public ExecutionQuery withSeries() {
        return new ExecutionQuery(flow, status, from, to, limit, offset, path, statuses, endedFrom, endedTo, trigger,
                true);
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
