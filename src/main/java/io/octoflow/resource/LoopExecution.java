package io.octoflow.resource;

import java.net.http.HttpClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.launch.Launcher;
import io.octoflow.secret.Masker;

/**
 * One loop's runs, as the processor of its timer route: each tick launches a {@link LoopIteration} through the
 * {@link Launcher} ({@link Trigger#LOOP}: lock, history row, flow metrics), waits for it, then counts it in the
 * miniloops metrics and writes the Loop's status. The route's timer is its only caller, one tick at a time.
 */
final class LoopExecution implements Processor {

    private static final Logger LOG = LogManager.getLogger(LoopExecution.class);

    private final KubernetesClient client;
    private final HttpClient http;
    private final Masker masker;
    private final Launcher launcher;
    private final LoopMetrics.Series metrics;
    private final AtomicReference<LoopSpec> spec;
    private long lastStartNanos;
    private volatile boolean removed;

    LoopExecution(KubernetesClient client, HttpClient http, Masker masker, Launcher launcher,
            LoopMetrics.Series metrics, LoopSpec spec) {
        this.client = client;
        this.http = http;
        this.masker = masker;
        this.launcher = launcher;
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
        Launcher.Launch launch = launcher.launch(new LoopIteration(client, http, masker, loop), null, Trigger.LOOP,
                null, null);
        if (!launch.admitted()) {
            LOG.debug("Loop {}/{}: tick dropped: {}", loop.namespace(), loop.name(), launch.refusal());
            return;
        }
        String error = outcome(launch);
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

    /** Waits for the run: null when it succeeded, else its (masked) error. */
    private static String outcome(Launcher.Launch launch) {
        try {
            RunResult result = launch.done().get();
            if (result == null) {
                return "not run (Octoflow stopping)";
            }
            return result.status().ok() ? null : result.error() != null ? result.error() : result.status().label();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted (Octoflow stopping or the loop changed)";
        } catch (ExecutionException e) {
            return "the run could not be recorded: " + e.getCause().getMessage();
        }
    }
}
