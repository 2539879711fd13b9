package io.octoflow.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.camel.Exchange;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.Launched;
import io.octoflow.execution.ErrorText;

/** {@code POST /api/flows/launch}: runs a flow now; {@code ?wait=true} answers with the run's result. */
final class LaunchApi {

    private static final Set<String> FIELDS = Set.of("path", "flow", "data", "timeout_seconds");

    private final FlowOperations operations;
    private final ApiViews views;

    LaunchApi(FlowOperations operations, ApiViews views) {
        this.operations = operations;
        this.views = views;
    }

    Object launch(Exchange exchange) throws InterruptedException {
        JsonBody body = JsonBody.parse(views.json(), exchange.getMessage().getBody(String.class), FIELDS);
        boolean wait = Boolean.parseBoolean(exchange.getMessage().getHeader("wait", "false", String.class));
        FlowDefinition flow = launchedFlow(body);
        Object data = body.value(views.json(), "data");
        Long timeout = body.positive("timeout_seconds");
        Launched launched = operations.launch(flow, data, timeout, Trigger.API);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("execution_id", launched.executionId());
        answer.put("flow", flow.name());
        answer.put("path", flow.path());
        Optional<RunResult> ended;
        try {
            ended = wait ? launched.await() : Optional.empty();
        } catch (ExecutionException e) {
            throw new ApiException(500, "the run could not complete: " + ErrorText.of(e.getCause()));
        }
        if (ended.isEmpty()) {
            answer.put("status", "running");
            SecuredRoutes.status(exchange, 202);
            return answer;
        }
        RunResult result = ended.get();
        answer.put("status", result.status().label());
        answer.put("duration_ms", result.durationMillis());
        answer.put("error", result.error());
        answer.put("data", result.data());
        return answer;
    }

    /**
     * The flow a launch names: by {@code path} in FLOWS_PATH, or by {@code flow}: a path too, or a name that only
     * one deployed flow has (several: 409 with their paths).
     */
    private FlowDefinition launchedFlow(JsonBody body) {
        String name = body.text("flow", false);
        String path = body.text("path", name == null);
        if (name != null && path != null) {
            throw new ApiException(400, "give either 'path' or 'flow', not both");
        }
        return path != null ? views.deployedFlow(path) : operations.resolve(name);
    }
}
