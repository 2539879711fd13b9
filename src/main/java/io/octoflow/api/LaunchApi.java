package io.octoflow.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

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
    private final int maxResultBytes;

    LaunchApi(FlowOperations operations, ApiViews views, int maxResultBytes) {
        this.operations = operations;
        this.views = views;
        this.maxResultBytes = maxResultBytes;
    }

    /**
     * Launches, and answers from the launch's futures (issue 17): no thread waits for the admission or the run's
     * end; the answer is made on the launch thread that admits or ends it (or here, when refused at once).
     */
    CompletionStage<Object> launch(Exchange exchange) {
        JsonBody body = JsonBody.parse(views.json(), exchange.getMessage().getBody(String.class), FIELDS);
        boolean wait = Boolean.parseBoolean(exchange.getMessage().getHeader("wait", "false", String.class));
        FlowDefinition flow = launchedFlow(body);
        Object data = body.value(views.json(), "data");
        Long timeout = body.positive("timeout_seconds");
        return operations.launchAsync(flow, data, timeout, Trigger.API, wait).thenCompose(launched -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("execution_id", launched.executionId());
            answer.put("flow", flow.name());
            answer.put("path", flow.path());
            if (!wait) {
                return CompletableFuture.completedFuture(running(exchange, answer));
            }
            return launched.awaitWithoutThread().handle((ended, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    throw new ApiException(500, "the run could not complete: " + ErrorText.of(cause));
                }
                return ended.isEmpty() ? running(exchange, answer) : ended(answer, ended.get(), launched);
            });
        });
    }

    private static Object running(Exchange exchange, Map<String, Object> answer) {
        answer.put("status", "running");
        SecuredRoutes.status(exchange, 202);
        return answer;
    }

    private Object ended(Map<String, Object> answer, RunResult result, Launched launched) {
        answer.put("status", result.status().label());
        answer.put("duration_ms", result.durationMillis());
        answer.put("error", result.error());
        if (JsonSize.atMost(views.json(), result.data(), maxResultBytes)) {
            answer.put("data", result.data());
        } else { // issue 18 #14: a 200 MB result was answered whole
            answer.put("data", null);
            answer.put("data_truncated", true);
            answer.put("message", "the run's final data is over API_MAX_RESULT_BYTES (" + maxResultBytes
                    + " bytes as JSON) and is not returned; the run is GET /api/executions/"
                    + launched.executionId());
        }
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
