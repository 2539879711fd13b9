package io.octoflow.api;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The JSON bodies of Octoflow's own API ({@code /api/...}) as types, for its OpenAPI document only: the REST DSL
 * names them ({@code .type()}, {@code .responseModel()}) and camel-openapi-java turns them into schemas. The
 * handlers build the same fields (snake_case) as maps; {@code OpenApiDocumentTest} checks real answers against
 * these schemas, so the two cannot drift apart unseen.
 */
final class ApiSchemas {

    private ApiSchemas() {
    }

    /** Every refusal: {@code error} says what was wrong and what was expected. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Error(String error, List<Problem> details, List<String> paths) {
    }

    /** A problem of a flow file, with its line and column ({@code file} when it is another file's). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Problem(String file, int line, int column, String severity, String message) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Schedule(String id, String name, String path, String source, @Schema(types = {"string", "null"}) String cron,
            @Schema(types = {"integer", "null"}) Long everySeconds,
            @Schema(types = {"integer", "null"}) Long timeoutSeconds, String timezone, boolean paused, String nextFire,
            List<Problem> warnings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DeployedFlow(String path, String name, List<String> schedules, boolean paused, boolean locked,
            List<Problem> warnings) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record InvalidFile(String path, boolean runningPreviousVersion, List<Problem> problems) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FlowList(List<Schedule> flows, List<DeployedFlow> deployed, List<InvalidFile> invalidFiles) {
    }

    /** Without cron and every_seconds, the flow file's own schedule. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NewSchedule(String path, String cron, Long everySeconds, Long timeoutSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PauseState(String name, String path, boolean paused, boolean changed, List<String> schedules) {
    }

    /** {@code path} (in FLOWS_PATH) or {@code flow} (a name only one flow has); {@code data} is the run's input. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LaunchRequest(String path, String flow, Object data, Long timeoutSeconds) {
    }

    /** 202: {execution_id, flow, path, status: running}; with ?wait=true, 200 with the run's outcome and data. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Launch(String executionId, String flow, String path, String status,
            @Schema(types = {"integer", "null"}) Long durationMs, @Schema(types = {"string", "null"}) String error,
            Object data, Boolean dataTruncated, String message) {
    }

    /**
     * A webhook's answer: 202 {execution_id, flow, path, status: accepted}; with respond: result, its errors (500,
     * 504) carry the run's status and error too.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record WebhookLaunch(String executionId, String flow, String path, String status,
            @Schema(types = {"string", "null"}) String error) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Lock(String flow, String path, @Schema(types = {"string", "null"}) String since, long pid,
            @Schema(types = {"string", "null"}) String host, @Schema(types = {"string", "null"}) String executionId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LocksRemoved(int removed) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Execution(String id, String flow, String path, String trigger,
            @Schema(types = {"string", "null"}) String scheduledAt, String startedAt,
            @Schema(types = {"string", "null"}) String endedAt, @Schema(types = {"integer", "null"}) Long durationMs,
            String status, @Schema(types = {"string", "null"}) String error, Object input, Object data,
            @Schema(description = "The steps so far: all of them once the run ended; while it runs in this service,"
                    + " those finished so far") List<StepRun> steps, Integer stepsDropped,
            @Schema(description = "While the run goes on in this service: the step being run now")
            CurrentStep currentStep) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record CurrentStep(String step, @Schema(description = "When this attempt of the step started") String start) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StepRun(String step, String status, String start, double durationMs,
            @Schema(types = {"string", "null"}) String error,
            @Schema(description = "1 for a step's first attempt; 2, 3... for the attempts of a step with retry")
            int attempt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ExecutionsDeleted(int deleted) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Aborting(String executionId, String status) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LogFileList(String logPath, List<LogFile> files) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LogFile(String name, long sizeBytes, String modified) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Validation(boolean valid, List<Problem> problems) {
    }

    /** {@code GET /api/stats}: flat rows, times in epoch milliseconds. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Stats(long from, long to, long bucketMs, boolean truncated, List<RunCount> runs,
            List<DurationPercentiles> durations, List<ScheduleLag> scheduleLag, List<SeriesPoint> series) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RunCount(long t, String status, int count) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DurationPercentiles(String flow, long t, int runs, long p50Ms, long p90Ms, long p99Ms, long maxMs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ScheduleLag(String flow, long t, long lagMs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SeriesPoint(String flow, long t, double value, String name) {
    }
}
