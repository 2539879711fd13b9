package io.octoflow.resource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.service.Deployment;
import io.octoflow.launch.ExecutionRecorder;
import io.octoflow.service.FlowDirectory;

/**
 * Runs the {@code Flow} resources of the namespace like flow files: each one is materialized as
 * {@code DATA_PATH/kubernetes/flows/<name>.yml} and the flows directory does the rest (validation, one-at-a-time
 * swap, schedule, locks, history, metrics). The resource's status follows the directory's verdict on its file and
 * each recorded run of its flow.
 * <p>
 * Every piece of work happens on one thread, in order: informer events, verdicts and runs only enqueue, so that
 * neither the informer nor the flows directory ever waits on the API server.
 */
public final class FlowResourceWatcher implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FlowResourceWatcher.class);

    private final KubernetesClient client;
    private final String namespace;
    private final FlowDirectory directory;
    private final ExecutionRepository store;
    private final FlowResourceFiles files;
    private final Duration resync;
    private final ExecutorService work = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "octoflow-flow-resources");
        thread.setDaemon(true);
        return thread;
    });
    // the state below is touched on the work thread only
    /** The generation each file was written from: the status's observedGeneration. */
    private final Map<String, Long> generations = new HashMap<>();
    /** Problems found before a file could be written (spec not an object...): the file keeps its last version. */
    private final Map<String, List<String>> specProblems = new HashMap<>();
    /** The status last written, to skip patches that change nothing (resyncs, runs of other flows). */
    private final Map<String, Map<String, Object>> written = new HashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> informer;
    private volatile boolean closed;

    public FlowResourceWatcher(KubernetesClient client, String namespace, java.nio.file.Path dataPath,
            FlowDirectory directory, ExecutionRepository store, ExecutionRecorder recorder, Duration resync) {
        this.client = client;
        this.namespace = namespace;
        this.directory = directory;
        this.store = store;
        this.files = new FlowResourceFiles(dataPath);
        this.resync = resync;
        directory.addEvents(new Verdicts());
        recorder.onRecorded(flow -> submit(() -> runRecorded(flow)));
    }

    /** Starts the informer; returns at once (a missing CRD or API server is retried by fabric8, and logged). */
    public void start() {
        informer = client.genericKubernetesResources(CustomResources.FLOW).inNamespace(namespace)
                .runnableInformer(resync.toMillis());
        InformerTrouble trouble = new InformerTrouble(LOG, "Flow", "flows.octoflow.io", namespace,
                String.valueOf(client.getMasterUrl()));
        informer.exceptionHandler((started, t) -> trouble.failed(t));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource resource) {
                submit(() -> apply(resource));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
                submit(() -> apply(resource));
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
                submit(() -> remove(resource.getMetadata().getName()));
            }
        });
        informer.start().thenRun(() -> {
            trouble.running();
            submit(this::removeOrphans);
        });
        LOG.info("watching Flow resources in namespace '{}' (files in {})", namespace, files.directory());
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        work.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Flow resources: {}", e.toString());
            }
        });
    }

    /** A resource added or changed (or resynced): its file, then its status. */
    private void apply(GenericKubernetesResource resource) {
        String name = resource.getMetadata().getName();
        String what = CustomResources.describe(CustomResources.FLOW, resource);
        Map<String, Object> spec = CustomResources.spec(resource);
        Long generation = resource.getMetadata().getGeneration();
        if (spec == null) {
            reportSpecProblem(name, generation, what, "spec: missing or not an object; expected the flow (name, "
                    + "steps... exactly the keys of a flow file)");
            return;
        }
        String text;
        try {
            text = FlowResourceFiles.render(spec, "generated from " + what + " (generation " + generation + ")");
        } catch (IllegalArgumentException e) {
            reportSpecProblem(name, generation, what, e.getMessage());
            return;
        }
        specProblems.remove(name);
        generations.put(name, generation);
        try {
            boolean changed = files.write(name, text);
            if (changed || directory.byFile(files.file(name)).isEmpty()) {
                if (changed) {
                    LOG.info("{}: written to {}", what, files.file(name));
                }
                directory.deploy(files.file(name));
                return; // the directory's verdict on the file updates the status
            }
        } catch (IOException | IllegalArgumentException e) {
            reportSpecProblem(name, generation, what, "cannot write its flow file: " + e.getMessage());
            return;
        }
        refresh(name);
    }

    private void reportSpecProblem(String name, Long generation, String what, String problem) {
        LOG.warn("{}: {}; the previous version, if any, keeps running", what, problem);
        specProblems.put(name, List.of(problem));
        generations.put(name, generation);
        refresh(name);
    }

    private void remove(String name) {
        generations.remove(name);
        specProblems.remove(name);
        written.remove(name);
        try {
            directory.deleted(files.file(name));
            files.delete(name);
            LOG.info("Flow {}/{} deleted: {} removed", namespace, name, files.file(name));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Flow {}/{} deleted, but its file stays: {}", namespace, name, e.getMessage());
        }
    }

    /** Files left by resources deleted while Octoflow was down. */
    private void removeOrphans() {
        Set<String> live = new HashSet<>();
        informer.getStore().list().forEach(r -> live.add(r.getMetadata().getName()));
        try {
            for (String name : files.names()) {
                if (!live.contains(name)) {
                    remove(name);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", files.directory(), e.getMessage());
        }
    }

    /** A run was recorded: {@code flowPath} is its flow's path, the file of a resource when it is one of ours. */
    private void runRecorded(String flowPath) {
        String name = files.nameOf(flowPath);
        if (name != null) {
            refresh(name);
        }
    }

    /** Writes the status of resource {@code name} from its file's deployment and its flow's history. */
    private void refresh(String name) {
        GenericKubernetesResource resource = informer.getStore().getByKey(namespace + "/" + name);
        if (resource == null) {
            return;
        }
        Optional<Deployment> deployment = directory.byFile(files.file(name));
        List<String> problems = new ArrayList<>(specProblems.getOrDefault(name, List.of()));
        FlowDefinition flow = null;
        if (deployment.isPresent()) {
            deployment.get().problems().stream().map(FlowResourceWatcher::describe).forEach(problems::add);
            flow = deployment.get().flow();
        } else if (problems.isEmpty()) {
            return; // not deployed yet: the directory's verdict comes next
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("observedGeneration", generations.getOrDefault(name, resource.getMetadata().getGeneration()));
        status.put("valid", problems.isEmpty());
        status.put("problems", problems.isEmpty() ? null : problems);
        status.put("flow", flow != null ? flow.name() : null);
        status.put("lastExecution", null);
        status.put("lastSuccess", null);
        if (flow != null) {
            latest(flow.path(), null).ifPresent(e -> status.put("lastExecution", execution(e)));
            latest(flow.path(), Execution.SUCCESS).ifPresent(e -> status.put("lastSuccess", time(e.endedAt())));
        }
        if (Objects.equals(written.get(name), status)) {
            return;
        }
        if (CustomResources.patchStatus(client, CustomResources.FLOW, namespace, name, status)) {
            written.put(name, status);
        }
    }

    private Optional<Execution> latest(String flowPath, String status) {
        return store.list(ExecutionQuery.ofPath(flowPath, status, 1)).stream().findFirst();
    }

    private static Map<String, Object> execution(Execution e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("status", e.status());
        view.put("started", time(e.startedAt()));
        view.put("ended", time(e.endedAt()));
        return view;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** "line 7, column 7: ..." — lines of the spec as rendered into the flow file (its first key is line 1). */
    private static String describe(Problem problem) {
        return "line " + problem.line() + ", column " + problem.column() + ": " + problem.message();
    }

    /** The directory's verdicts on our files: enqueue a status refresh. */
    private final class Verdicts implements FlowDirectory.Events {
        @Override
        public void file(String path, boolean valid) {
            String name = files.nameOf(path);
            if (name != null) {
                submit(() -> refresh(name));
            }
        }

        @Override
        public void fileRemoved(String path) {
        }

        @Override
        public void flowDeployed(FlowDefinition flow) {
        }

        @Override
        public void flowRemoved(FlowDefinition flow) {
        }
    }

    @Override
    public void close() {
        closed = true;
        if (informer != null) {
            informer.close();
        }
        work.shutdown();
        try {
            if (!work.awaitTermination(5, TimeUnit.SECONDS)) {
                work.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            work.shutdownNow();
        }
    }
}
