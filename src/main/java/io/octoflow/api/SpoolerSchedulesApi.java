package io.octoflow.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.service.Deployment;
import io.octoflow.app.OctoflowService;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.Scheduler;

/**
 * {@code /api/v1/schedules}: the schedules of flow files in FLOWS_PATH (from CONFIG_FILE's autostart, from the
 * flow files' own {@code cron}/{@code every_seconds}, and added over the API), one per path. Schedules added here
 * live in memory, as on the spooler; an {@code every_seconds} one first fires one interval after it is added.
 */
final class SpoolerSchedulesApi {

    private static final Set<String> FIELDS = Set.of("path", "cron", "every_seconds", "timeout_seconds");

    private final OctoflowService service;
    private final SpoolerApiRoutes routes;
    private final ObjectMapper json = new ObjectMapper();

    SpoolerSchedulesApi(OctoflowService service, SpoolerApiRoutes routes) {
        this.service = service;
        this.routes = routes;
    }

    Object list(Exchange exchange) {
        return Map.of("schedules", service.scheduler().entries().stream().filter(SpoolerSchedulesApi::inFlowsPath)
                .map(this::view).toList());
    }

    /** POST: 201 {status, schedule_id}. */
    Object add(Exchange exchange) throws Exception {
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
        synchronized (service.scheduler()) {
            for (ScheduleEntry existing : service.scheduler().entries()) {
                if (samePath(existing, flow)) {
                    throw new ApiException(409, "Flow " + path + " is already scheduled (schedule " + existing.id()
                            + ", " + existing.describe() + ")");
                }
            }
            try {
                entry = Scheduler.entry(UUID.randomUUID().toString(), flow, "api", cron, every, timeout);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, e.getMessage());
            }
            service.scheduler().addFiringAfterOneInterval(entry);
        }
        SpoolerApiRoutes.status(exchange, 201);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "Schedule " + entry.id() + " added for flow file '" + path + "': " + entry.describe());
        answer.put("schedule_id", entry.id());
        return answer;
    }

    /** DELETE: 200 {status}; 404 when no schedule has that id. */
    Object delete(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("schedule_id", String.class);
        boolean known = service.scheduler().find(id).filter(SpoolerSchedulesApi::inFlowsPath).isPresent();
        if (!known || !service.scheduler().remove(id)) {
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
        String last = service.scheduler().lastExecutionId(entry.id()).orElse(null);
        view.put("last_job_id", last);
        view.put("running", last != null && service.launcher().isRunning(last));
        return view;
    }

    /** The timeout the schedule's runs get: its own, else the flow's, else FLOW_TIMEOUT. */
    private long timeout(ScheduleEntry entry) {
        if (entry.timeoutSeconds() != null) {
            return entry.timeoutSeconds();
        }
        Long own = service.directory().byPath(entry.path()).map(Deployment::flow)
                .map(FlowDefinition::timeoutSeconds).orElse(null);
        return own != null ? own : service.config().flowTimeoutSeconds();
    }

    private static boolean samePath(ScheduleEntry entry, FlowDefinition flow) {
        return entry.path() != null && entry.path().equals(flow.path());
    }

    /** Schedules of files outside FLOWS_PATH (rego's tasks, Kubernetes resources) are not the spooler's. */
    private static boolean inFlowsPath(ScheduleEntry entry) {
        return entry.path() != null && !Path.of(entry.path()).isAbsolute();
    }
}
