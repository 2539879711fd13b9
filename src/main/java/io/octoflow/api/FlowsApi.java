package io.octoflow.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.operations.FlowOperations;
import io.octoflow.service.Deployment;
import io.octoflow.schedule.ScheduleEntry;

/** {@code GET /api/flows} (schedules, deployed flows, invalid files) and pausing or resuming a flow's schedules. */
final class FlowsApi {

    private final FlowOperations operations;
    private final ApiViews views;

    FlowsApi(FlowOperations operations, ApiViews views) {
        this.operations = operations;
        this.views = views;
    }

    Object list(Exchange exchange) {
        List<Map<String, Object>> flows = new ArrayList<>();
        for (ScheduleEntry entry : operations.schedules()) {
            flows.add(views.schedule(entry));
        }
        List<Map<String, Object>> invalid = new ArrayList<>();
        for (Deployment deployment : operations.invalidFiles()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", deployment.path());
            file.put("running_previous_version", deployment.flow() != null || !deployment.routeIds().isEmpty());
            file.put("problems", ApiViews.problems(deployment.problems(), deployment.path()));
            invalid.add(file);
        }
        List<Map<String, Object>> deployed = new ArrayList<>();
        for (FlowDefinition flow : operations.flows()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("path", flow.path());
            view.put("name", flow.name());
            view.put("schedules", operations.schedules(flow.path()).stream().map(ScheduleEntry::id).toList());
            view.put("paused", operations.paused(flow.path()));
            view.put("locked", operations.locked(flow.path()));
            view.put("warnings", views.warnings(flow.path()));
            deployed.add(view);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flows", flows);
        body.put("deployed", deployed);
        body.put("invalid_files", invalid);
        return body;
    }

    /**
     * {@code id} is a schedule id (as listed), a flow path, or a name only one flow has; pausing is per flow (per
     * path), and survives restarts.
     */
    Object pauseOrResume(Exchange exchange, boolean pause) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Optional<ScheduleEntry> schedule = operations.schedule(id);
        FlowDefinition flow = schedule.isPresent() ? operations.flowAt(schedule.get().path()).orElse(null)
                : operations.find(id).orElse(null);
        if (flow == null) {
            throw new ApiException(404, "no schedule id, deployed flow path or flow name '" + id + "'");
        }
        String path = flow.path();
        boolean changed = pause ? operations.pause(path) : operations.resume(path);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", flow.name());
        body.put("path", path);
        body.put("paused", pause);
        body.put("changed", changed);
        body.put("schedules", operations.schedules(path).stream().map(ScheduleEntry::id).toList());
        return body;
    }
}
