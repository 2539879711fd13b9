package io.octoflow.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.history.ExecutionStore;
import io.octoflow.jmx.FlowControl;
import io.octoflow.lock.FileLockRepository;

/** The operations on a deployed flow that JMX and the REST API share: launch, unlock, pause, resume, state. */
public final class FlowOperations implements FlowControl {

    private static final Logger LOG = LogManager.getLogger(FlowOperations.class);

    private final FlowDirectory directory;
    private final Scheduler scheduler;
    private final Launcher launcher;
    private final FileLockRepository locks;
    private final ExecutionStore store;

    public FlowOperations(FlowDirectory directory, Scheduler scheduler, Launcher launcher, FileLockRepository locks,
            ExecutionStore store) {
        this.directory = directory;
        this.scheduler = scheduler;
        this.launcher = launcher;
        this.locks = locks;
        this.store = store;
    }

    /** Flows paused before the last stop stay paused. */
    public void restorePaused() {
        for (String flow : store.pausedFlows()) {
            scheduler.pause(flow);
            LOG.info("flow '{}': schedules paused (since before the restart)", flow);
        }
    }

    private FlowDefinition require(String flowName) {
        FlowDefinition flow = directory.flowNamed(flowName);
        if (flow == null) {
            throw new IllegalArgumentException("no deployed flow is named '" + flowName + "'");
        }
        return flow;
    }

    @Override
    public Optional<String> path(String flowName) {
        return Optional.ofNullable(directory.flowNamed(flowName)).map(FlowDefinition::path);
    }

    @Override
    public List<String> schedules(String flowName) {
        return scheduler.forFlow(flowName).stream().map(ScheduleEntry::describe).toList();
    }

    @Override
    public Optional<Instant> nextFire(String flowName) {
        return scheduler.forFlow(flowName).stream().map(scheduler::nextFire).flatMap(Optional::stream)
                .min(Instant::compareTo);
    }

    @Override
    public Optional<Execution> lastRun(String flowName) {
        return store.list(new ExecutionQuery(flowName, null, null, null, 1, 0)).stream().findFirst();
    }

    @Override
    public boolean locked(String flowName) {
        return locks.contains(flowName);
    }

    @Override
    public boolean paused(String flowName) {
        return scheduler.isPaused(flowName);
    }

    @Override
    public String launch(String flowName, Object input, String trigger) {
        Launcher.Launch launch = launcher.launch(require(flowName), input, trigger, null, null);
        if (!launch.admitted()) {
            throw new IllegalStateException(launch.refusal());
        }
        return launch.executionId();
    }

    @Override
    public boolean unlock(String flowName) {
        return locks.release(flowName);
    }

    @Override
    public boolean pause(String flowName) {
        require(flowName);
        store.setPaused(flowName, true);
        boolean changed = scheduler.pause(flowName);
        if (changed) {
            LOG.info("flow '{}': schedules paused", flowName);
        }
        return changed;
    }

    @Override
    public boolean resume(String flowName) {
        store.setPaused(flowName, false);
        boolean changed = scheduler.resume(flowName);
        if (changed) {
            LOG.info("flow '{}': schedules resumed", flowName);
        }
        return changed;
    }
}
