package io.octoflow.kubernetes;

import java.time.Duration;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import io.octoflow.engine.FlowEngine;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.service.ExecutionRecorder;
import io.octoflow.service.FlowDirectory;

/**
 * KUBERNETES_WATCH=true: the Flow and Loop resources of Octoflow's namespace run in this service. The one thing
 * {@code OctoflowService} starts and closes; it uses the engine's shared Kubernetes client.
 */
public final class KubernetesWatch implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(KubernetesWatch.class);
    /** Informers list everything again this often, should a watch event ever be lost. */
    static final Duration RESYNC = Duration.ofMinutes(5);

    private final FlowResourceWatcher flows;
    private final LoopRunner loops;

    private KubernetesWatch(FlowResourceWatcher flows, LoopRunner loops) {
        this.flows = flows;
        this.loops = loops;
    }

    /** Starts both watches; after the flows directory is loaded and watched. */
    public static KubernetesWatch start(FlowEngine engine, FlowDirectory directory, ExecutionRecorder recorder,
            MeterRegistry registry) {
        KubernetesAccess access = engine.kubernetes();
        String namespace = access.namespace();
        FlowResourceWatcher flows = new FlowResourceWatcher(access.client(), namespace,
                engine.config().dataPath(), directory, recorder, RESYNC);
        LoopRunner loops = new LoopRunner(access.client(), namespace, engine.camelContext(), engine.masker(),
                new LoopMetrics(registry), RESYNC);
        flows.start();
        loops.start();
        LOG.info("KUBERNETES_WATCH: Flow and Loop resources of namespace '{}' run here", namespace);
        return new KubernetesWatch(flows, loops);
    }

    @Override
    public void close() {
        loops.close();
        flows.close();
    }
}
