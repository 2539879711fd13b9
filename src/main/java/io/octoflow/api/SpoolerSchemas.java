package io.octoflow.api;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The JSON bodies of the spooler's API ({@code /api/v1} jobs, schedules, logs) and rego's task API as types, for
 * the OpenAPI document only (see {@link ApiSchemas}).
 */
final class SpoolerSchemas {

    private SpoolerSchemas() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SpoolerSchedule(String id, String path, @Schema(types = {"string", "null"}) String cron,
            @Schema(types = {"integer", "null"}) Long everySeconds, long timeoutSeconds,
            @Schema(types = {"string", "null"}) String lastJobId, boolean running) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SpoolerScheduleList(List<SpoolerSchedule> schedules) {
    }

    /** {@code cron} or {@code every_seconds}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SpoolerScheduleRequest(String path, String cron, Long everySeconds, Long timeoutSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ScheduleAdded(String status, String scheduleId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StatusMessage(String status) {
    }

    /** {@code data} becomes the run's {@code __input__}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobRequest(String path, Object data, Long timeoutSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobLaunched(String jobId) {
    }

    /** {flow_path, payload, timeout, source}; a scheduled run: {flow_path, timeout, schedule_id, cron, ...}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobMeta(String flowPath, Object payload, Long timeout, @Schema(types = {"string", "null"}) String scheduleId,
            @Schema(types = {"string", "null"}) String cron, @Schema(types = {"integer", "null"}) Long everySeconds,
            String source) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobSummary(String id, JobMeta meta, @Schema(types = {"string", "null"}) String errors, String state,
            String status, String startTime, @Schema(types = {"string", "null"}) String endTime) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobList(List<JobSummary> jobs, int limit, int offset) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Job(String id, JobMeta meta, String state, String status, String startTime,
            @Schema(types = {"string", "null"}) String endTime, Object result,
            @Schema(types = {"string", "null"}) String errors) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobsDeleted(int deleted, @Schema(types = {"integer", "null"}) Integer olderThanDays,
            @Schema(types = {"string", "null"}) String status, @Schema(types = {"string", "null"}) String state) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record JobDeleted(int deleted, String jobId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LogLines(List<String> logs) {
    }

    /** rego's TaskDefinition as sent: a new task needs {@code image}; an update needs {@code id}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskRequest(String id, String image, String name, String namespace, Integer executionInterval,
            Boolean enabled, List<String> cmd, List<String> args, Object metadata, Long ttlSecondsAfterFinished) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskDefinition(String id, @Schema(types = {"string", "null"}) String name, String image,
            @Schema(types = {"string", "null"}) String namespace, int executionInterval, long executionCounter,
            @Schema(types = {"string", "null"}) String nextExecutionTime, boolean enabled, boolean deleted,
            List<String> cmd, List<String> args, Object metadata, @Schema(types = {"string", "null"}) String flow,
            String createdAt, String updatedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskCreated(String message, String id, TaskDefinition task) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskUpdated(String message, TaskDefinition task) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskRerun(String message, String executionId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskMessage(String message) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskExecution(String id, String taskDefinitionId, int statusCode, String status, String image, String name,
            @Schema(types = {"string", "null"}) String namespace, List<String> cmd, List<String> args, Object metadata,
            @Schema(types = {"string", "null"}) String jobName, @Schema(types = {"string", "null"}) String logs,
            @Schema(types = {"string", "null"}) String error, String createdAt, String updatedAt) {
    }
}
