package io.octoflow.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.ScheduleConflictException;
import io.octoflow.operations.ScheduleRequest;
import io.octoflow.service.Deployment;
import io.octoflow.schedule.ScheduleEntry;

/**
 * {@code /api/v1/schedules}: the schedules of flow files in FLOWS_PATH (from CONFIG_FILE's autostart, from the
 * flow files' own {@code cron}/{@code every_seconds}, and added over the API), one per path. Schedules added here
 * are kept in the database (the spooler keeps them in memory only); an {@code every_seconds} one first fires one
 * interval after it is added.
 */
final class SpoolerSchedulesApi {

    private static final Set<String> FIELDS = Set.of("path", "cron", "every_seconds", "timeout_seconds");

    private final FlowOperations operations;
    private final ObjectMapper json;
    private final SpoolerApiRoutes routes;

    SpoolerSchedulesApi(FlowOperations operations, ObjectMapper json, SpoolerApiRoutes routes) {
        this.operations = operations;
        this.json = json;
        this.routes = routes;
    }

    Object list(Exchange exchange) {
        return Map.of("schedules", operations.schedules().stream().filter(SpoolerSchedulesApi::inFlowsPath)
                .map(this::view).toList());
    }

    /** POST: 201 {status, schedule_id}. */
    Object add(Exchange exchange) {
        JsonBody body = JsonBody.parse(json, exchange.getMessage().getBody(String.class), FIELDS);
        String path = body.text("path", true);
        String cron = body.text("cron", false);
        Long every = body.positive("every_seconds");
        Long timeout = body.positive("timeout_seconds");
        if (cron == null && every == null) {
            throw new ApiException(400, "Schedule for '" + path + "' needs 'cron' (a cron expression) or"
                    + " 'every_seconds' (a positive whole number)");
        }
        FlowDefinition flow = routes.flowAt(path);
        ScheduleEntry entry;
        try {
            // one schedule per flow file, first fired one interval after now, as on the spooler
            entry = operations.addSchedule(flow, new ScheduleRequest(cron, every, timeout, "api", true, true));
        } catch (ScheduleConflictException e) {
            throw new ApiException(409, "Flow " + path + " is already scheduled (schedule " + e.existing().id()
                    + ", " + e.existing().describe() + ")");
        }
        SecuredRoutes.status(exchange, 201);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Schedule " + entry.id() + " added for flow file '" + path + "': " + entry.describe());
        answer.put("schedule_id", entry.id());
        return answer;
    }

    /** DELETE: 200 {status}; 404 when no schedule has that id. */
    Object delete(Exchange exchange) {
        String id = exchange.getMessage().getHeader("schedule_id", String.class);
        boolean known = operations.schedule(id).filter(SpoolerSchedulesApi::inFlowsPath).isPresent();
        if (!known || !operations.removeSchedule(id)) {
            throw new ApiException(404, "Schedule with ID " + id + " not found");
        }
        return Map.of("status", "Schedule " + id + " removed");
    }

    private Map<String, Object> view(ScheduleEntry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.id());
        view.put("path", entry.path());
        view.put("cron", entry.cron());
        view.put("every_seconds", entry.everySeconds());
        view.put("timeout_seconds", timeout(entry));
        String last = operations.lastExecutionId(entry.id()).orElse(null);
        view.put("last_job_id", last);
        view.put("running", last != null && operations.isRunning(last));
        return view;
    }

    /** The timeout the schedule's runs get: its own, else the flow's, else FLOW_TIMEOUT. */
    private long timeout(ScheduleEntry entry) {
        if (entry.timeoutSeconds() != null) {
            return entry.timeoutSeconds();
        }
        Long own = operations.deployment(entry.path()).map(Deployment::flow)
                .map(FlowDefinition::timeoutSeconds).orElse(null);
        return operations.timeoutSeconds(own);
    }

    /** Schedules of files outside FLOWS_PATH (rego's tasks, Kubernetes resources) are not the spooler's. */
    private static boolean inFlowsPath(ScheduleEntry entry) {
        return entry.path() != null && !Path.of(entry.path()).isAbsolute();
    }
}
