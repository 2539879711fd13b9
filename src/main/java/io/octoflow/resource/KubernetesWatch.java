package io.octoflow.resource;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;


import io.octoflow.history.ExecutionRepository;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.launch.ExecutionRecorder;
import io.octoflow.launch.Launcher;
import io.octoflow.metrics.FlowMetrics;
import io.octoflow.secret.Masker;
import io.octoflow.service.FlowDirectory;
import io.octoflow.trigger.TriggerSource;

/**
 * KUBERNETES_WATCH=true: the Flow and Loop resources of Octoflow's namespace run in this service, Flow resources
 * as files of the flows directory, each Loop iteration through the launcher ({@code loop} trigger). A trigger
 * source: started after the flows directory is loaded and watched; it uses the engine's shared Kubernetes client.
 */
public final class KubernetesWatch implements TriggerSource {

    private static final Logger LOG = LogManager.getLogger(KubernetesWatch.class);
    /** Informers list everything again this often, should a watch event ever be lost. */
    static final Duration RESYNC = Duration.ofMinutes(5);

    private final String namespace;
    private final FlowResourceWatcher flows;
    private final LoopRunner loops;

    public KubernetesWatch(KubernetesAccess access, Path dataPath, CamelContext camel, Masker masker,
            FlowDirectory directory, ExecutionRepository store, ExecutionRecorder recorder, Launcher launcher,
            FlowMetrics metrics) {
        this.namespace = access.namespace();
        this.flows = new FlowResourceWatcher(access.client(), namespace, dataPath, directory, store, recorder,
                RESYNC);
        this.loops = new LoopRunner(access.client(), namespace, camel, masker, launcher, new LoopMetrics(metrics),
                RESYNC);
    }

    @Override
    public String name() {
        return "Kubernetes resources";
    }

    @Override
    public void start() {
        flows.start();
        loops.start();
        LOG.info("KUBERNETES_WATCH: Flow and Loop resources of namespace '{}' run here", namespace);
    }

    @Override
    public void stop() {
        loops.close();
        flows.close();
    }
}
