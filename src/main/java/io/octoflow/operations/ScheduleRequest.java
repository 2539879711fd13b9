package io.octoflow.operations;

/**
 * A schedule to add to a flow: {@code cron} or {@code everySeconds} (one of them), with the runs' timeout when not
 * null; {@code source} says who added it (shown in the flow list).
 *
 * @param firstFireAfterOneInterval an every_seconds schedule first fires one interval after it is added, not at
 *                                  once (the spooler API's schedules behave so)
 * @param onlyOnePerFlow            refused with {@link ScheduleConflictException} when the flow has a schedule
 */
public record ScheduleRequest(String cron, Long everySeconds, Long timeoutSeconds, String source,
        boolean firstFireAfterOneInterval, boolean onlyOnePerFlow) {
}
