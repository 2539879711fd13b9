package io.octoflow.trigger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.FlowEndTrigger;
import io.octoflow.launch.ExecutionRecorder;
import io.octoflow.launch.Launcher;
import io.octoflow.logging.LogText;

/**
 * {@code trigger: flow}: when a run of the named flow ends (its final row written) with one of the trigger's
 * statuses, the flow runs with that run's final data as {@code __input__}. Launches go from one thread of their own,
 * in the order runs end, so that the run that ended never waits for the ones it triggers.
 * <p>
 * Chains are bounded: {@code __trigger__.chain_depth} is 1 for a run triggered by a run nothing triggered, one more
 * for each link; beyond FLOW_TRIGGER_MAX_DEPTH nothing more is launched (a cycle a → b → a ends there, with a
 * warning). A flow cannot name itself (the flow file does not validate).
 */
public final class FlowEndSource implements EventSource, ExecutionRecorder.RunEnded {

    private static final Logger LOG = LogManager.getLogger(FlowEndSource.class);
    public static final String CHAIN_DEPTH = "chain_depth";

    private final Launcher launcher;
    private final int maxDepth;
    private final Map<String, FlowDefinition> triggered = new ConcurrentHashMap<>();
    private ExecutorService launches;
    private volatile boolean accepting;

    /** Call {@link ExecutionRecorder#onRunEnded} with this once built. */
    public FlowEndSource(Launcher launcher, int maxDepth) {
        this.launcher = launcher;
        this.maxDepth = maxDepth;
    }

    @Override
    public String kind() {
        return FlowEndTrigger.KIND;
    }

    @Override
    public void deploy(FlowDefinition flow) {
        triggered.put(flow.id(), flow);
    }

    @Override
    public void undeploy(String flowId) {
        triggered.remove(flowId);
    }

    @Override
    public synchronized void start() {
        launches = Executors.newSingleThreadExecutor(run -> {
            Thread thread = new Thread(run, "octoflow-flow-trigger");
            thread.setDaemon(true);
            return thread;
        });
        accepting = true;
    }

    @Override
    public synchronized void stop() {
        accepting = false;
        if (launches != null) {
            launches.shutdown();
        }
    }

    @Override
    public void ended(String flowPath, String flowName, RunResult result) {
        if (!accepting || triggered.isEmpty()) {
            return;
        }
        String status = result.status().label();
        for (FlowDefinition flow : triggered.values()) {
            FlowEndTrigger trigger = (FlowEndTrigger) flow.trigger();
            if (!trigger.matches(flowPath, flowName, status) || flow.id().equals(flowPath)) {
                continue;
            }
            int depth = depth(result) + 1;
            if (depth > maxDepth) {
                LOG.warn("{}: not triggered by the end of {} (execution {}): the chain of flow triggers is {} runs"
                        + " long, FLOW_TRIGGER_MAX_DEPTH={} (a cycle?)", LogText.oneLine(flow.path()),
                        LogText.oneLine(flowPath), result.executionId(), depth, maxDepth);
                continue;
            }
            Map<String, Object> event = TriggerEvent.of(FlowEndTrigger.KIND);
            event.put("flow", flowName);
            event.put("path", flowPath);
            event.put("execution_id", result.executionId());
            event.put("status", status);
            event.put(CHAIN_DEPTH, depth);
            try {
                launches.execute(() -> launch(flow, result, event));
            } catch (RejectedExecutionException e) {
                return; // stopping
            }
        }
    }

    private void launch(FlowDefinition flow, RunResult ended, Map<String, Object> event) {
        FlowDefinition current = triggered.get(flow.id());
        if (current == null || !accepting) {
            return; // undeployed meanwhile
        }
        Launcher.Launch launch = launcher.launch(current, ended.data(), Trigger.FLOW, event);
        if (!launch.admitted()) {
            LOG.warn("{}: not run after {} ended (execution {}): {}", LogText.oneLine(current.path()),
                    LogText.oneLine(String.valueOf(event.get("path"))), ended.executionId(), launch.refusal());
        }
    }

    /** The chain depth of a run: its {@code __trigger__.chain_depth} when a flow trigger started it, else 0. */
    private static int depth(RunResult result) {
        if (result.data() != null && result.data().get(FlowRun.TRIGGER) instanceof Map<?, ?> trigger
                && trigger.get(CHAIN_DEPTH) instanceof Number depth) {
            return depth.intValue();
        }
        return 0;
    }
}
