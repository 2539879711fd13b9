package io.octoflow.api;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.Launched;
import io.octoflow.operations.OperationException;
import io.octoflow.service.Deployment;
import io.octoflow.schedule.ScheduleEntry;

/**
 * {@code /api/v1/jobs}: launch a flow file, list and read its runs as spooler jobs ({@link SpoolerJob}), delete
 * them. A job is a row of Octoflow's execution history; its result is the run's final data, secrets masked.
 */
final class SpoolerJobsApi {

    private static final Set<String> LAUNCH_FIELDS = Set.of("path", "data", "timeout_seconds");
    private static final int DEFAULT_LIMIT = 50;

    private final FlowOperations operations;
    private final ZoneId zone;
    private final ObjectMapper json;
    private final SpoolerApiRoutes routes;

    SpoolerJobsApi(FlowOperations operations, ZoneId zone, ObjectMapper json, SpoolerApiRoutes routes) {
        this.operations = operations;
        this.zone = zone;
        this.json = json;
        this.routes = routes;
    }

    /** POST: 202 {job_id} once the run is admitted; the run goes on in the background. */
    Object launch(Exchange exchange) {
        JsonBody body = JsonBody.parse(json, exchange.getMessage().getBody(String.class), LAUNCH_FIELDS);
        String path = body.text("path", true);
        Long timeout = body.positive("timeout_seconds");
        FlowDefinition flow = routes.flowAt(path);
        Launched launched;
        try {
            // data becomes the run's __input__
            launched = operations.launch(flow, body.value(json, "data"), timeout, Trigger.API);
        } catch (OperationException refused) {
            if (refused.reason() == OperationException.Reason.UNAVAILABLE) {
                throw new ApiException(503, refused.getMessage());
            }
            throw new ApiException(409, "A job for flow '" + path + "' is already running: " + refused.getMessage());
        }
        SecuredRoutes.status(exchange, 202);
        return Map.of("job_id", launched.executionId());
    }

    /** GET: a page of jobs, newest start first. */
    Object list(Exchange exchange) {
        Message m = exchange.getMessage();
        int limit = Math.min(whole(m, "limit", DEFAULT_LIMIT), ExecutionQuery.MAX_LIMIT);
        int offset = whole(m, "offset", 0);
        Set<String> statuses = SpoolerJob.statuses(text(m, "state"), text(m, "status"));
        Instant startTo = SpoolerTime.parse(text(m, "start_time_to"), "start_time_to", zone);
        List<Execution> rows = List.of();
        if (limit > 0) {
            ExecutionQuery query;
            try {
                query = new ExecutionQuery(null, null,
                        SpoolerTime.parse(text(m, "start_time_from"), "start_time_from", zone),
                        // inclusive, as on the spooler: the store keeps microseconds
                        startTo == null ? null : startTo.plusNanos(1000), limit, offset, statuses,
                        SpoolerTime.parse(text(m, "end_time_from"), "end_time_from", zone),
                        SpoolerTime.parse(text(m, "end_time_to"), "end_time_to", zone));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
            rows = operations.executions(query);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobs", rows.stream().map(this::summary).toList());
        answer.put("limit", limit);
        answer.put("offset", offset);
        return answer;
    }

    /** GET one: the job with its result (final data) and errors. */
    Object get(Exchange exchange) {
        Execution e = find(exchange);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("meta", meta(e));
        view.put("state", SpoolerJob.state(e));
        view.put("status", SpoolerJob.status(e));
        view.put("start_time", time(e.startedAt()));
        view.put("end_time", time(e.endedAt()));
        view.put("result", e.ended() ? ApiViews.parsed(json, e.data()) : null);
        view.put("errors", e.error());
        return view;
    }

    /** DELETE one: an ended job; a running one is refused (abort it first). */
    Object delete(Exchange exchange) {
        Execution e = find(exchange);
        if (!e.ended()) {
            throw new ApiException(409, "Job " + e.id() + " is running; it can be deleted once it ended (abort it"
                    + " with POST /api/executions/" + e.id() + "/abort)");
        }
        if (!operations.deleteExecution(e.id())) {
            throw new ApiException(404, "Job not found");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deleted", 1);
        answer.put("job_id", e.id());
        return answer;
    }

    /** DELETE: ended jobs matching every filter given (none: every ended job). */
    Object deleteMatching(Exchange exchange) {
        Message m = exchange.getMessage();
        String days = text(m, "older_than_days");
        Integer olderThan = days == null ? null : whole(m, "older_than_days", 0);
        String state = text(m, "state");
        String status = text(m, "status");
        int deleted = operations.deleteEndedExecutions(olderThan, SpoolerJob.statuses(state, status));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deleted", deleted);
        answer.put("older_than_days", olderThan);
        answer.put("status", status);
        answer.put("state", state);
        return answer;
    }

    private Execution find(Exchange exchange) {
        String id = exchange.getMessage().getHeader("job_id", String.class);
        return operations.execution(id).filter(SpoolerJob::isJob)
                .orElseThrow(() -> new ApiException(404, "Job not found"));
    }

    private Map<String, Object> summary(Execution e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("meta", meta(e));
        view.put("errors", e.error());
        view.put("state", SpoolerJob.state(e));
        view.put("status", SpoolerJob.status(e));
        view.put("start_time", time(e.startedAt()));
        view.put("end_time", time(e.endedAt()));
        return view;
    }

    /**
     * The spooler's job meta: {flow_path, payload, timeout, source} for a launch; {flow_path, timeout, schedule_id,
     * cron, every_seconds, source} for a scheduled run, from the path's current schedule. Octoflow's history keeps
     * no per-launch settings, so the timeout is the schedule's, else the flow's ({@code timeout_seconds} of the
     * file), else FLOW_TIMEOUT.
     */
    private Map<String, Object> meta(Execution e) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("flow_path", e.flowPath());
        ScheduleEntry schedule = "schedule".equals(e.trigger()) ? scheduleOf(e.flowPath()) : null;
        if (schedule == null) {
            meta.put("payload", ApiViews.parsed(json, e.input()));
            meta.put("timeout", timeout(e.flowPath()));
        } else {
            meta.put("timeout", schedule.timeoutSeconds() != null ? schedule.timeoutSeconds()
                    : timeout(e.flowPath()));
            meta.put("schedule_id", schedule.id());
            meta.put("cron", schedule.cron());
            meta.put("every_seconds", schedule.everySeconds());
        }
        meta.put("source", SpoolerJob.source(e));
        return meta;
    }

    private ScheduleEntry scheduleOf(String path) {
        return path == null ? null : operations.schedules().stream().filter(s -> path.equals(s.path()))
                .findFirst().orElse(null);
    }

    private Long timeout(String path) {
        if (path == null) {
            return null;
        }
        try {
            return operations.deployment(path).map(Deployment::flow)
                    .map(flow -> operations.timeoutSeconds(flow.timeoutSeconds())).orElse(null);
        } catch (RuntimeException outsideFlowsPath) {
            return null;
        }
    }

    private String time(Instant instant) {
        return SpoolerTime.format(instant, zone);
    }

    private static String text(Message m, String name) {
        String value = m.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int whole(Message m, String name, int fallback) {
        String value = text(m, name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiException(400, name + ": expected a whole number >= 0, got '" + value + "'");
    }
}
