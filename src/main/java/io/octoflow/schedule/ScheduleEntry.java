package io.octoflow.schedule;

/**
 * A flow on a schedule: from its own file ({@code cron}/{@code every_seconds}), from CONFIG_FILE's autostart, or
 * added over the API. The id is what the API's {@code DELETE /api/flows/{id}} takes. The flow is identified by
 * {@code path} (its {@link io.octoflow.flow.FlowDefinition#id()}); {@code flowName} is for people to read.
 */
public record ScheduleEntry(
        String id,
        String flowName,
        String path,
        String source,
        String cron,
        String quartzCron,
        Long everySeconds,
        Long timeoutSeconds) {

    public String describe() {
        return cron != null ? "cron '" + cron + "'" : "every " + everySeconds + " s";
    }
}
