package io.octoflow.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.PausedFlowStore;
import io.octoflow.jmx.FlowControl;
import io.octoflow.launch.Launcher;
import io.octoflow.lock.LockStore;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.Scheduler;

/**
 * The operations on a deployed flow that JMX and the REST API share: launch, unlock, pause, resume, state. Each
 * takes the flow's path (its id); {@link #resolve(String)} turns what a user typed (a path, or a name that only
 * one flow has) into it.
 */
public final class FlowOperations implements FlowControl {

    private static final Logger LOG = LogManager.getLogger(FlowOperations.class);

    private final FlowDirectory directory;
    private final Scheduler scheduler;
    private final Launcher launcher;
    private final LockStore locks;
    private final ExecutionRepository store;
    private final PausedFlowStore paused;

    public FlowOperations(FlowDirectory directory, Scheduler scheduler, Launcher launcher, LockStore locks,
            ExecutionRepository store, PausedFlowStore paused) {
        this.directory = directory;
        this.scheduler = scheduler;
        this.launcher = launcher;
        this.locks = locks;
        this.store = store;
        this.paused = paused;
    }

    /** Flows paused before the last stop stay paused (call before the flows' schedules start). */
    public void restorePaused() {
        for (String path : paused.pausedFlows()) {
            scheduler.pause(path);
            LOG.info("flow {}: schedules paused (since before the restart)", path);
        }
    }

    /**
     * Pauses recorded before flows were identified by path hold a flow name: once the flows are deployed, a name
     * that exactly one flow has becomes that flow's path; others are left as they are (and pause nothing).
     */
    public void adoptPausedNames() {
        for (String key : paused.pausedFlows()) {
            if (directory.flowAt(key) != null) {
                continue;
            }
            try {
                FlowDefinition flow = directory.find(key);
                if (flow != null) {
                    scheduler.resume(key);
                    paused.setPaused(key, false);
                    paused.setPaused(flow.path(), true);
                    scheduler.pause(flow.path());
                    LOG.info("flow '{}': the pause recorded by name now belongs to {}", key, flow.path());
                }
            } catch (AmbiguousFlowException e) {
                LOG.warn("{}; the pause recorded for it stays unapplied: pause the flow again by path", e.getMessage());
            }
        }
    }

    /**
     * The deployed flow {@code reference} names: its path, or a name only one deployed flow has.
     *
     * @throws AmbiguousFlowException  when several deployed flows have that name (it lists their paths)
     * @throws IllegalArgumentException when no deployed flow has that path or name
     */
    public FlowDefinition resolve(String reference) {
        FlowDefinition flow = directory.find(reference);
        if (flow == null) {
            throw new IllegalArgumentException("no deployed flow has the path or name '" + reference + "'");
        }
        return flow;
    }

    private FlowDefinition require(String flowPath) {
        FlowDefinition flow = directory.flowAt(flowPath);
        if (flow == null) {
            throw new IllegalArgumentException("no flow is deployed at '" + flowPath + "'");
        }
        return flow;
    }

    @Override
    public Optional<String> name(String flowPath) {
        return Optional.ofNullable(directory.flowAt(flowPath)).map(FlowDefinition::name);
    }

    @Override
    public List<String> schedules(String flowPath) {
        return scheduler.forFlow(flowPath).stream().map(ScheduleEntry::describe).toList();
    }

    @Override
    public Optional<Instant> nextFire(String flowPath) {
        return scheduler.forFlow(flowPath).stream().map(scheduler::nextFire).flatMap(Optional::stream)
                .min(Instant::compareTo);
    }

    @Override
    public Optional<Execution> lastRun(String flowPath) {
        return store.list(ExecutionQuery.ofPath(flowPath, null, 1)).stream().findFirst();
    }

    @Override
    public boolean locked(String flowPath) {
        return locks.isHeld(flowPath);
    }

    @Override
    public boolean paused(String flowPath) {
        return scheduler.isPaused(flowPath);
    }

    @Override
    public String launch(String flowPath, Object input, String trigger) {
        Launcher.Launch launch = launcher.launch(require(flowPath), input, Trigger.of(trigger), null, null);
        if (!launch.admitted()) {
            throw new IllegalStateException(launch.refusal());
        }
        return launch.executionId();
    }

    @Override
    public boolean unlock(String flowPath) {
        return locks.forceRelease(flowPath);
    }

    @Override
    public boolean pause(String flowPath) {
        FlowDefinition flow = require(flowPath);
        paused.setPaused(flowPath, true);
        boolean changed = scheduler.pause(flowPath);
        if (changed) {
            LOG.info("flow '{}' ({}): schedules paused", flow.name(), flowPath);
        }
        return changed;
    }

    @Override
    public boolean resume(String flowPath) {
        paused.setPaused(flowPath, false);
        boolean changed = scheduler.resume(flowPath);
        if (changed) {
            LOG.info("flow {}: schedules resumed", flowPath);
        }
        return changed;
    }
}
