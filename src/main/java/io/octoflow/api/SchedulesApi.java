package io.octoflow.api;

import java.util.Set;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.ScheduleRequest;
import io.octoflow.schedule.ScheduleEntry;

/** {@code POST /api/flows/add} and {@code DELETE /api/flows/{id}}: schedules added over the API, and removed. */
final class SchedulesApi {

    private static final Set<String> FIELDS = Set.of("path", "cron", "every_seconds", "timeout_seconds");

    private final FlowOperations operations;
    private final ApiViews views;

    SchedulesApi(FlowOperations operations, ApiViews views) {
        this.operations = operations;
        this.views = views;
    }

    /** 201 with the schedule; without cron and every_seconds, the flow file's own schedule. */
    Object add(Exchange exchange) {
        JsonBody body = JsonBody.parse(views.json(), exchange.getMessage().getBody(String.class), FIELDS);
        FlowDefinition flow = views.deployedFlow(body.text("path", true));
        String cron = body.text("cron", false);
        Long every = body.positive("every_seconds");
        if (cron == null && every == null) {
            cron = flow.cron();
            every = flow.everySeconds();
        }
        ScheduleEntry entry = operations.addSchedule(flow,
                new ScheduleRequest(cron, every, body.positive("timeout_seconds"), "api", false, false));
        SecuredRoutes.status(exchange, 201);
        return views.schedule(entry);
    }

    Object delete(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!operations.removeSchedule(id)) {
            throw new ApiException(404, "no schedule with id '" + id + "'");
        }
        SecuredRoutes.status(exchange, 204);
        return null;
    }
}
