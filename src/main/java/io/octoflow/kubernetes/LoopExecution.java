package io.octoflow.kubernetes;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.secret.Masker;

/**
 * One loop's runs, as the processor of its route: read the imported Secrets (each run, so rotations apply), put
 * their keys before the script as WarpScript variables, POST it, then count the run and write the Loop's status.
 * The route's timer is its only caller, one run at a time.
 * <p>
 * Secret values are registered with the masker before anything else happens, and every error text goes through
 * it: a Warp 10 error quoting the failing line (which may be a variable line) shows {@code ***}.
 */
final class LoopExecution implements Processor {

    private static final Logger LOG = LogManager.getLogger(LoopExecution.class);
    /** A run never lasts longer than this, whatever {@code every} is. */
    private static final Duration MAX_RUN = Duration.ofMinutes(10);
    private static final int MAX_ERROR_CHARS = 500;

    private final KubernetesClient client;
    private final HttpClient http;
    private final Masker masker;
    private final LoopMetrics.Series metrics;
    private final AtomicReference<LoopSpec> spec;
    private long lastStartNanos;
    private volatile boolean removed;

    LoopExecution(KubernetesClient client, HttpClient http, Masker masker, LoopMetrics.Series metrics, LoopSpec spec) {
        this.client = client;
        this.http = http;
        this.masker = masker;
        this.metrics = metrics;
        this.spec = new AtomicReference<>(spec);
    }

    LoopSpec spec() {
        return spec.get();
    }

    /** A new script, endpoint or secret list at the same interval: the next run uses it, the timer goes on. */
    void update(LoopSpec next) {
        spec.set(next);
    }

    /** The loop is gone: a run still finishing must not bring its metrics or status back. */
    void removed() {
        removed = true;
    }

    @Override
    public void process(Exchange exchange) {
        LoopSpec loop = spec.get();
        long now = System.nanoTime();
        // java.util.Timer at a fixed rate fires the missed ticks in a burst after a slow run; like Go's ticker in
        // miniloops, drop them instead
        if (lastStartNanos != 0 && now - lastStartNanos < loop.every().toNanos() / 2) {
            return;
        }
        lastStartNanos = now;
        String error = run(loop);
        long millis = (System.nanoTime() - now) / 1_000_000;
        if (removed) {
            return;
        }
        metrics.executed(millis, error == null);
        if (error != null) {
            LOG.warn("Loop {}/{}: execution failed after {} ms: {}", loop.namespace(), loop.name(), millis, error);
        } else {
            LOG.debug("Loop {}/{}: executed in {} ms", loop.namespace(), loop.name(), millis);
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("deployed", true);
        status.put("lastExecution", Instant.now().toString());
        status.put("lastExecutionSuccess", error == null);
        status.put("lastError", error);
        try {
            CustomResources.patchStatus(client, CustomResources.LOOP, loop.namespace(), loop.name(), status);
        } catch (KubernetesClientException e) {
            LOG.warn("Loop {}/{}: cannot write its status: {}", loop.namespace(), loop.name(), e.getMessage());
        }
    }

    /** One run; null when it succeeded, else what went wrong (masked). */
    private String run(LoopSpec loop) {
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
            Duration timeout = loop.every().compareTo(MAX_RUN) < 0 ? loop.every() : MAX_RUN;
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
