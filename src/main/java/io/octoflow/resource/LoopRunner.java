package io.octoflow.resource;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import io.octoflow.resource.LoopSpec.InvalidLoopException;
import io.octoflow.launch.Launcher;
import io.octoflow.secret.Masker;

/**
 * Runs the miniloops {@code Loop} resources of the namespace: one Camel route per loop,
 * {@code loop-<namespace>-<name>}, fired by a timer at a fixed rate, whose processor ({@link LoopExecution})
 * launches each POST of the script through the {@link Launcher}, as flows are launched. A change of script, endpoint or imports is picked up by the next run; a change of {@code every}
 * replaces the route. A spec that does not validate is reported (status and one log line) and the previous
 * version, if any, keeps running, as with flow files.
 */
public final class LoopRunner implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(LoopRunner.class);

    private final KubernetesClient client;
    private final String namespace;
    private final CamelContext camel;
    private final Masker masker;
    private final Launcher launcher;
    private final LoopMetrics metrics;
    private final Duration resync;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    /** The running loops by name; informer callbacks come one at a time, close() from another thread. */
    private final Map<String, LoopExecution> loops = new HashMap<>();
    private boolean closed;
    /** The generation last reported invalid, so that a resync does not log it again. */
    private final Map<String, Long> reportedInvalid = new HashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> informer;

    public LoopRunner(KubernetesClient client, String namespace, CamelContext camel, Masker masker,
            Launcher launcher, LoopMetrics metrics, Duration resync) {
        this.client = client;
        this.namespace = namespace;
        this.camel = camel;
        this.masker = masker;
        this.launcher = launcher;
        this.metrics = metrics;
        this.resync = resync;
    }

    /** Starts the informer; returns at once (fabric8 retries a missing CRD or API server, and we log it). */
    public void start() {
        informer = client.genericKubernetesResources(CustomResources.LOOP).inNamespace(namespace)
                .runnableInformer(resync.toMillis());
        InformerTrouble trouble = new InformerTrouble(LOG, "Loop", "loops.clever-telemetry.io", namespace,
                String.valueOf(client.getMasterUrl()));
        informer.exceptionHandler((started, t) -> trouble.failed(t));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource resource) {
                apply(resource);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
                apply(resource);
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
                remove(resource.getMetadata().getName());
            }
        });
        informer.start().thenRun(trouble::running);
        LOG.info("watching Loop resources in namespace '{}'", namespace);
    }

    private synchronized void apply(GenericKubernetesResource resource) {
        if (closed) {
            return; // an informer event queued before close()
        }
        String name = resource.getMetadata().getName();
        LoopExecution current = loops.get(name);
        LoopSpec spec;
        try {
            spec = LoopSpec.of(resource);
        } catch (InvalidLoopException e) {
            Long generation = resource.getMetadata().getGeneration();
            if (!Objects.equals(reportedInvalid.put(name, generation), generation)) {
                e.problems().forEach(p -> LOG.warn("Loop {}/{}: {}{}", namespace, name, p,
                        current != null ? "; the previous version keeps running" : ""));
                status(name, current != null, generation, e.problems());
            }
            return;
        }
        reportedInvalid.remove(name);
        if (current != null && current.spec().equals(spec)) {
            return; // a resync, or a status write of ours
        }
        try {
            if (current != null && current.spec().every().equals(spec.every())) {
                current.update(spec);
                LOG.info("Loop {}/{} updated", namespace, name);
            } else {
                if (current != null) {
                    loops.remove(name); // gone, whatever happens next: the status must not say deployed
                    stop(current);
                }
                LoopExecution execution = new LoopExecution(client, http, masker, launcher,
                        metrics.of(spec.namespace(), spec.name()), spec);
                camel.addRoutes(route(spec, execution));
                loops.put(name, execution);
                LOG.info("Loop {}/{} scheduled: every {} ms, POST to {}", namespace, name, spec.every().toMillis(),
                        spec.endpoint());
            }
            status(name, true, spec.generation(), null);
        } catch (Exception e) {
            LOG.warn("Loop {}/{}: cannot schedule it: {}", namespace, name, e.getMessage());
            status(name, loops.containsKey(name), spec.generation(), List.of("cannot schedule: " + e.getMessage()));
        }
    }

    private static RouteBuilder route(LoopSpec spec, LoopExecution execution) {
        long period = Math.max(1, spec.every().toMillis());
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the timer's single thread waits for each run: two runs of one loop never overlap (the lock
                // says so too)
                from("timer:" + spec.routeId() + "?fixedRate=true&delay=" + period + "&period=" + period)
                        .routeId(spec.routeId())
                        .process(execution).id(spec.routeId() + ":post");
            }
        };
    }

    private synchronized void remove(String name) {
        reportedInvalid.remove(name);
        LoopExecution execution = loops.remove(name);
        if (execution != null) {
            stop(execution);
            LOG.info("Loop {}/{} deleted: unscheduled", namespace, name);
        }
        metrics.remove(namespace, name);
    }

    private void stop(LoopExecution execution) {
        execution.removed();
        String routeId = execution.spec().routeId();
        try {
            camel.getRouteController().stopRoute(routeId, 10, TimeUnit.SECONDS);
            camel.removeRoute(routeId);
        } catch (Exception e) {
            LOG.warn("Loop {}: cannot remove route {}: {}", execution.spec().name(), routeId, e.getMessage());
        }
    }

    private void status(String name, boolean deployed, Long generation, List<String> problems) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("deployed", deployed);
        status.put("observedGeneration", generation);
        status.put("problems", problems);
        try {
            CustomResources.patchStatus(client, CustomResources.LOOP, namespace, name, status);
        } catch (KubernetesClientException e) {
            LOG.warn("Loop {}/{}: cannot write its status: {}", namespace, name, e.getMessage());
        }
    }

    /** Stops watching and unschedules every loop (a run in progress finishes, for up to 10 s). */
    @Override
    public synchronized void close() {
        closed = true;
        if (informer != null) {
            informer.close();
        }
        loops.values().forEach(this::stop);
        loops.clear();
    }
}
