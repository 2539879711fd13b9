package io.octoflow.resource;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;


import io.octoflow.history.ExecutionRepository;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.kubernetes.client.KubernetesUnreachableException;
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
    static final String FABRIC8_REFLECTOR = "io.fabric8.kubernetes.client.informers.impl.cache.Reflector";

    private final String namespace;
    private final FlowResourceWatcher flows;
    private final LoopRunner loops;
    /** Why nothing can be watched (no cluster configured at all); null when a cluster is. */
    private final String unconfigured;

    public KubernetesWatch(KubernetesAccess access, Path dataPath, CamelContext camel, Masker masker,
            FlowDirectory directory, ExecutionRepository store, ExecutionRecorder recorder, Launcher launcher,
            FlowMetrics metrics) {
        String problem = null;
        try {
            access.requireConfigured();
        } catch (KubernetesUnreachableException e) {
            problem = e.getMessage();
        }
        this.unconfigured = problem;
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
        if (unconfigured != null) {
            // informers would retry https://kubernetes.default.svc for ever
            LOG.warn("KUBERNETES_WATCH=true, but {}; Flow and Loop resources are not watched", unconfigured);
            return;
        }
        // fabric8's reflector logs each failed list at WARN with a stack trace, every retry; InformerTrouble names
        // the cause once instead
        Configurator.setLevel(FABRIC8_REFLECTOR, Level.ERROR);
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
