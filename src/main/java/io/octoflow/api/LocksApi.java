package io.octoflow.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.lock.LockInfo;
import io.octoflow.operations.FlowOperations;

/** {@code /api/locks}: the flows running now, and removing a stuck run's lock. */
final class LocksApi {

    private final FlowOperations operations;
    private final ApiViews views;

    LocksApi(FlowOperations operations, ApiViews views) {
        this.operations = operations;
        this.views = views;
    }

    Object list(Exchange exchange) {
        return operations.locks().stream().map(this::lock).toList();
    }

    /** A lock is taken by flow path: {@code flow} shows the name of the flow deployed there (else the key). */
    private Map<String, Object> lock(LockInfo lock) {
        Map<String, Object> view = new LinkedHashMap<>();
        FlowDefinition flow = operations.flowAt(lock.flow()).orElse(null);
        view.put("flow", flow != null ? flow.name() : lock.flow());
        view.put("path", lock.flow());
        view.put("since", lock.since() == null ? null : views.time(lock.since()));
        view.put("pid", lock.pid());
        view.put("host", lock.host());
        view.put("execution_id", lock.execution());
        return view;
    }

    /** {@code flow_name}: the lock's key (the flow's path, as listed), or a name only one deployed flow has. */
    Object delete(Exchange exchange) {
        String flow = exchange.getMessage().getHeader("flow_name", String.class);
        if (!operations.unlock(flow)) {
            throw new ApiException(404, "flow '" + flow + "' holds no lock");
        }
        SecuredRoutes.status(exchange, 204);
        return null;
    }

    Object deleteAll(Exchange exchange) {
        return Map.of("removed", operations.unlockAll());
    }
}
