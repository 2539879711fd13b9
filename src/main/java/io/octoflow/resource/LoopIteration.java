package io.octoflow.resource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.Concurrency;
import io.octoflow.launch.LaunchTarget;
import io.octoflow.secret.Masker;

/**
 * One iteration of a Loop as the launcher runs it (its lock, history row with trigger {@code loop}, metrics): read
 * the imported Secrets (each run, so rotations apply), put their keys before the script as WarpScript variables,
 * POST it. The history names it {@code loop:<namespace>/<name>}.
 * <p>
 * Secret values are registered with the masker before anything else happens, and every error text goes through
 * it: a Warp 10 error quoting the failing line (which may be a variable line) shows {@code ***}.
 */
final class LoopIteration implements LaunchTarget {

    /** A run never lasts longer than this, whatever {@code every} is. */
    private static final Duration MAX_RUN = Duration.ofMinutes(10);
    private static final int MAX_ERROR_CHARS = 500;

    private final KubernetesClient client;
    private final HttpClient http;
    private final Masker masker;
    private final LoopSpec loop;

    LoopIteration(KubernetesClient client, HttpClient http, Masker masker, LoopSpec loop) {
        this.client = client;
        this.http = http;
        this.masker = masker;
        this.loop = loop;
    }

    @Override
    public String id() {
        return id(loop.namespace(), loop.name());
    }

    /** A Loop's lock key and history path, {@code loop:<namespace>/<name>}. */
    static String id(String namespace, String name) {
        return "loop:" + namespace + "/" + name;
    }

    @Override
    public String name() {
        return loop.name();
    }

    @Override
    public Concurrency concurrency() {
        return Concurrency.FORBID; // one POST of a loop at a time, as miniloops' ticker
    }

    @Override
    public Duration defaultTimeout() {
        return loop.every().compareTo(MAX_RUN) < 0 ? loop.every() : MAX_RUN;
    }

    @Override
    public String describe() {
        return "Loop " + loop.namespace() + "/" + loop.name();
    }

    @Override
    public RunResult run(LaunchRequest request, Duration timeout) {
        String error = post(timeout);
        RunStatus status = error == null ? RunStatus.SUCCESS
                : request.cancellation().isCancelled() ? request.cancellation().reason() : RunStatus.FAILED;
        return new RunResult(request.executionId(), loop.name(), status, Map.of(), error, List.of(), request.started(),
                Instant.now());
    }

    /** One POST; null when it succeeded, else what went wrong (masked). */
    private String post(Duration timeout) {
        try {
            Map<String, String> variables = new LinkedHashMap<>();
            variables.put("LOOP_NAME", loop.name());
            variables.put("LOOP_NAMESPACE", loop.namespace());
            for (int i = 0; i < loop.secrets().size(); i++) {
                String secretName = loop.secrets().get(i);
                Secret secret = client.secrets().inNamespace(loop.namespace()).withName(secretName).get();
                if (secret == null) {
                    return "spec.imports[" + i + "].secret.name: Secret '" + secretName + "' not found in namespace '"
                            + loop.namespace() + "'";
                }
                // sorted keys: the same secret always gives the same text
                Map<String, String> data = secret.getData() == null ? Map.of() : new TreeMap<>(secret.getData());
                for (Map.Entry<String, String> entry : data.entrySet()) {
                    String value = new String(Base64.getMimeDecoder().decode(entry.getValue()),
                            StandardCharsets.UTF_8);
                    masker.register(value);
                    String literal = WarpScript.literal(value);
                    masker.register(literal.substring(1, literal.length() - 1));
                    variables.remove(entry.getKey()); // a later secret's key replaces an earlier one, in its place
                    variables.put(entry.getKey(), value);
                }
            }
            String body = WarpScript.build(variables, loop.script());
            HttpRequest request = HttpRequest.newBuilder(loop.endpoint()).timeout(timeout)
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                return null;
            }
            // Warp 10 says what failed in headers; the body may echo the script
            String line = response.headers().firstValue("X-Warp10-Error-Line").orElse(null);
            String message = response.headers().firstValue("X-Warp10-Error-Message").orElse(null);
            return masked("POST " + loop.endpoint() + ": HTTP " + response.statusCode()
                    + (message != null ? ": WarpScript" + (line != null ? " line " + line : "") + ": " + message : ""));
        } catch (IOException e) {
            return masked("POST " + loop.endpoint() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted (Octoflow stopping or the loop changed)";
        } catch (IllegalArgumentException e) {
            return masked("a Secret value is not base64: " + e.getMessage());
        } catch (KubernetesClientException e) {
            return masked("cannot read the imported Secrets: " + e.getMessage());
        }
    }

    private String masked(String text) {
        String masked = masker.mask(text);
        return masked.length() > MAX_ERROR_CHARS ? masked.substring(0, MAX_ERROR_CHARS) + "..." : masked;
    }
}
