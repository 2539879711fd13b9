package io.octoflow.api;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.execution.StepRecord;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.operations.FlowOperations;
import io.octoflow.service.Deployment;

/** {@code /api/executions}: the run history (list, one run with its steps, delete) and aborting a run. */
final class ExecutionsApi {

    private static final int MAX_LIMIT = 1000;

    private final FlowOperations operations;
    private final ApiViews views;
    private final ZoneId timezone;

    ExecutionsApi(FlowOperations operations, ApiViews views, ZoneId timezone) {
        this.operations = operations;
        this.views = views;
        this.timezone = timezone;
    }

    Object list(Exchange exchange) {
        var message = exchange.getMessage();
        String status = checkedStatus(message.getHeader("status", String.class));
        int limit = QueryParams.integer(message.getHeader("limit", String.class), "limit", 50);
        if (limit > MAX_LIMIT) {
            throw new ApiException(400, "limit: at most " + MAX_LIMIT);
        }
        ExecutionQuery query;
        try {
            // ?flow= is a path when a deployed flow has it, else a name (every flow with that name)
            String flow = message.getHeader("flow", String.class);
            String path = message.getHeader("path", String.class);
            if (flow != null && path == null) {
                FlowDefinition deployed = flowAtPath(flow);
                if (deployed != null) {
                    path = deployed.path();
                    flow = null;
                }
            }
            query = new ExecutionQuery(flow, status,
                    QueryParams.instant(message.getHeader("from", String.class), "from", timezone),
                    QueryParams.instant(message.getHeader("to", String.class), "to", timezone),
                    limit, QueryParams.integer(message.getHeader("offset", String.class), "offset", 0), path)
                    .withTrigger(message.getHeader("trigger", String.class));
        } catch (IllegalArgumentException e) { // a malformed time, limit or status; an unknown trigger
            throw new ApiException(400, e.getMessage().startsWith("unknown trigger") ? "trigger: " + e.getMessage()
                    : e.getMessage());
        }
        return operations.executions(query).stream().map(this::execution).toList();
    }

    /** The deployed flow whose path (as listed, or relative to FLOWS_PATH) is {@code text}; null otherwise. */
    private FlowDefinition flowAtPath(String text) {
        FlowDefinition flow = operations.flowAt(text).orElse(null);
        if (flow != null) {
            return flow;
        }
        try {
            return operations.deployment(text).map(Deployment::flow).orElse(null);
        } catch (RuntimeException notAPath) {
            return null;
        }
    }

    Object get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Execution found = operations.execution(id)
                .orElseThrow(() -> new ApiException(404, "no execution with id '" + id + "'"));
        Map<String, Object> view = execution(found);
        if (Execution.RUNNING.equals(found.status())) {
            // its step rows are written when it ends: while it runs here, its steps so far come from memory
            operations.progress(id).ifPresent(progress -> {
                if (!progress.steps().isEmpty()) {
                    view.put("steps", steps(progress.steps()));
                }
                if (progress.current() != null) {
                    view.put("current_step", Map.of("step", progress.current().step(),
                            "start", views.time(progress.current().start())));
                }
            });
        }
        return view;
    }

    Object delete(Exchange exchange) {
        var message = exchange.getMessage();
        String days = message.getHeader("older_than_days", String.class);
        Integer olderThan = days == null ? null : QueryParams.integer(days, "older_than_days", 0);
        String status = checkedStatus(message.getHeader("status", String.class));
        if (Execution.RUNNING.equals(status) || Execution.QUEUED.equals(status)) {
            throw new ApiException(400, "status: " + status + " executions cannot be deleted; abort them first");
        }
        return Map.of("deleted", operations.deleteExecutions(olderThan, status));
    }

    /** 202 once the run is told to stop (a queued one is out of its queue, aborted); 404 unknown, 409 ended. */
    Object abort(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        operations.abort(id);
        SecuredRoutes.status(exchange, 202);
        return Map.of("execution_id", id, "status", "aborting");
    }

    private List<Map<String, Object>> steps(List<StepRecord> records) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord step : records) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", step.step());
            s.put("status", step.status());
            s.put("attempt", step.attempt()); // > 1 for the attempts of a step with retry
            s.put("start", views.time(step.start()));
            s.put("duration_ms", step.durationMicros() / 1000.0);
            s.put("error", step.error());
            steps.add(s);
        }
        return steps;
    }

    private static String checkedStatus(String status) {
        if (status != null && !Execution.STATUSES.contains(status)) {
            throw new ApiException(400, "status: expected one of " + Execution.STATUSES.stream().sorted().toList());
        }
        return status;
    }

    private Map<String, Object> execution(Execution e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("flow", e.flowName());
        view.put("path", e.flowPath());
        view.put("trigger", e.trigger());
        view.put("scheduled_at", e.scheduledAt() == null ? null : views.time(e.scheduledAt()));
        view.put("started_at", views.time(e.startedAt()));
        view.put("ended_at", e.endedAt() == null ? null : views.time(e.endedAt()));
        view.put("duration_ms", e.endedAt() == null ? null
                : Duration.between(e.startedAt(), e.endedAt()).toMillis());
        view.put("status", e.status());
        view.put("error", e.error());
        view.put("input", views.parsed(e.input()));
        if (e.data() != null) {
            view.put("data", views.parsed(e.data()));
        }
        if (e.steps() != null && !e.steps().isEmpty()) {
            view.put("steps", steps(e.steps()));
        }
        if (e.stepsDropped() > 0) { // beyond the history's cap on steps per run
            view.put("steps_dropped", e.stepsDropped());
        }
        return view;
    }
}
