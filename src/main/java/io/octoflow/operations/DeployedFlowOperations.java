package io.octoflow.operations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.camel.RuntimeCamelException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.RunProgress;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.PausedFlowStore;
import io.octoflow.lock.LockStore;
import io.octoflow.lock.LockInfo;
import io.octoflow.service.AmbiguousFlowException;
import io.octoflow.service.Deployment;
import io.octoflow.service.FlowDirectory;
import io.octoflow.launch.Launcher;
import io.octoflow.schedule.ApiSchedules;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.Scheduler;

/** {@link FlowOperations} on the flows this service deployed: its directory, launcher, locks, schedules, history. */
public final class DeployedFlowOperations implements FlowOperations {

    private static final Logger LOG = LogManager.getLogger(DeployedFlowOperations.class);

    private final FlowDirectory directory;
    private final Scheduler scheduler;
    private final ApiSchedules apiSchedules;
    private final Launcher launcher;
    private final LockStore locks;
    private final ExecutionRepository store;
    private final PausedFlowStore paused;
    private final FlowCatalog catalog;
    private final long defaultTimeoutSeconds;

    /**
     * @param catalog               the engine's catalog: where FLOWS_PATH is, and the flows' warnings
     * @param defaultTimeoutSeconds FLOW_TIMEOUT, for flows without {@code timeout_seconds}
     */
    public DeployedFlowOperations(FlowDirectory directory, Scheduler scheduler, ApiSchedules apiSchedules,
            Launcher launcher, LockStore locks, ExecutionRepository store, PausedFlowStore paused, FlowCatalog catalog,
            long defaultTimeoutSeconds) {
        this.directory = directory;
        this.scheduler = scheduler;
        this.apiSchedules = apiSchedules;
        this.launcher = launcher;
        this.locks = locks;
        this.store = store;
        this.paused = paused;
        this.catalog = catalog;
        this.defaultTimeoutSeconds = defaultTimeoutSeconds;
    }

    /** Flows paused before the last stop stay paused (call before the flows' schedules start). */
    public void restorePaused() {
        for (String path : paused.pausedFlows()) {
            scheduler.pause(path);
        }
    }

    /**
     * Says, once every schedule is known, what each pause restored at start holds back: a flow's schedules, or
     * nothing yet (a flow without a schedule, or no flow at that path), so no one reads "paused" as "was scheduled".
     */
    public void reportPaused() {
        for (String path : paused.pausedFlows()) {
            int schedules = scheduler.forFlow(path).size();
            if (schedules > 0) {
                LOG.info("flow {}: its {} schedule(s) stay paused (paused before the restart; POST"
                        + " /api/flows/{id}/resume resumes them)", path, schedules);
            } else if (directory.flowAt(path) != null) {
                LOG.info("flow {}: marked paused before the restart, but it has no schedule: nothing is skipped;"
                        + " a schedule added to it starts paused", path);
            } else {
                LOG.info("flow {}: marked paused before the restart, but no flow is deployed at that path", path);
            }
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

    // --- deployed flows and flow files ---

    @Override
    public Optional<FlowDefinition> flowAt(String flowPath) {
        return Optional.ofNullable(directory.flowAt(flowPath));
    }

    @Override
    public Optional<FlowDefinition> find(String reference) {
        return Optional.ofNullable(directory.find(reference));
    }

    @Override
    public FlowDefinition resolve(String reference) {
        return find(reference).orElseThrow(() -> OperationException.notFound(
                "no deployed flow has the path or name '" + reference + "'"));
    }

    private FlowDefinition require(String flowPath) {
        return flowAt(flowPath).orElseThrow(() -> OperationException.notFound(
                "no flow is deployed at '" + flowPath + "'"));
    }

    @Override
    public Optional<Deployment> deployment(String relativePath) {
        return directory.byPath(relativePath);
    }

    @Override
    public List<FlowDefinition> flows() {
        return directory.flows();
    }

    @Override
    public List<Deployment> invalidFiles() {
        return directory.invalidFiles();
    }

    @Override
    public List<Problem> warnings(String flowPath) {
        if (flowPath == null) {
            return List.of();
        }
        try {
            Path file = catalog.flowFiles().resolve(flowPath);
            return Files.isRegularFile(file) ? catalog.warnings(file) : List.of();
        } catch (RuntimeException e) {
            // outside FLOWS_PATH (tasks, resources) or unreadable: no warnings to show
            return List.of();
        }
    }

    @Override
    public long timeoutSeconds(Long timeoutSeconds) {
        return timeoutSeconds != null ? timeoutSeconds : defaultTimeoutSeconds;
    }

    // --- runs ---

    @Override
    public Launched launch(FlowDefinition flow, Object input, Long timeoutSeconds, Trigger trigger) {
        return launch(flow, input, timeoutSeconds, trigger, false);
    }

    @Override
    public Launched launch(FlowDefinition flow, Object input, Long timeoutSeconds, Trigger trigger,
            boolean callerWaits) {
        return launched(flow, timeoutSeconds, launcher.launch(flow, input, trigger, null, timeoutSeconds,
                callerWaits));
    }

    @Override
    public CompletionStage<Launched> launchAsync(FlowDefinition flow, Object input, Long timeoutSeconds,
            Trigger trigger, boolean callerWaits) {
        return launcher.launchAsync(flow, input, trigger, timeoutSeconds, callerWaits)
                .thenApply(launch -> launched(flow, timeoutSeconds, launch));
    }

    private Launched launched(FlowDefinition flow, Long timeoutSeconds, Launcher.Launch launch) {
        if (!launch.admitted()) {
            throw launch.refusedBecause() == Launcher.Refusal.Kind.LOCKED
                    ? OperationException.conflict(launch.refusal()) : OperationException.unavailable(launch.refusal());
        }
        long seconds = timeoutSeconds(timeoutSeconds != null ? timeoutSeconds : flow.timeoutSeconds());
        return new Launched(launch.executionId(), flow, Duration.ofSeconds(seconds), launch.done());
    }

    @Override
    public void abort(String executionId) {
        if (launcher.abort(executionId)) {
            return;
        }
        Execution known = store.find(executionId).orElseThrow(() -> OperationException.notFound(
                "no execution with id '" + executionId + "'"));
        throw OperationException.conflict("execution '" + executionId + "' is not running (status "
                + known.status() + ")");
    }

    @Override
    public boolean isRunning(String executionId) {
        return launcher.isRunning(executionId);
    }

    // --- locks ---

    @Override
    public List<LockInfo> locks() {
        return locks.list();
    }

    @Override
    public boolean locked(String flowPath) {
        return locks.isHeld(flowPath);
    }

    @Override
    public boolean unlock(String reference) {
        // the key first: a lock may outlive its flow's file
        if (locks.forceRelease(reference)) {
            return true;
        }
        return find(reference).map(flow -> locks.forceRelease(flow.path())).orElse(false);
    }

    @Override
    public int unlockAll() {
        return locks.releaseAll();
    }

    // --- schedules ---

    @Override
    public List<ScheduleEntry> schedules() {
        return scheduler.entries();
    }

    @Override
    public List<ScheduleEntry> schedules(String flowPath) {
        return scheduler.forFlow(flowPath);
    }

    @Override
    public Optional<ScheduleEntry> schedule(String id) {
        return scheduler.find(id);
    }

    @Override
    public Optional<Instant> nextFire(ScheduleEntry schedule) {
        return scheduler.nextFire(schedule);
    }

    @Override
    public Optional<Instant> nextFire(String flowPath) {
        return scheduler.forFlow(flowPath).stream().map(scheduler::nextFire).flatMap(Optional::stream)
                .min(Instant::compareTo);
    }

    @Override
    public Optional<String> lastExecutionId(String scheduleId) {
        return scheduler.lastExecutionId(scheduleId);
    }

    @Override
    public ScheduleEntry addSchedule(FlowDefinition flow, ScheduleRequest request) {
        // one lock with the scheduler's own: the check for an existing schedule and the add are one step
        synchronized (scheduler) {
            if (request.onlyOnePerFlow()) {
                for (ScheduleEntry existing : scheduler.entries()) {
                    if (existing.path() != null && existing.path().equals(flow.path())) {
                        throw new ScheduleConflictException(existing);
                    }
                }
            }
            ScheduleEntry entry;
            try {
                entry = Scheduler.entry(flow, request.source(), request.cron(),
                        request.everySeconds(), request.timeoutSeconds());
            } catch (IllegalArgumentException e) {
                throw OperationException.invalid(e.getMessage());
            }
            try {
                if (ApiSchedules.SOURCE.equals(request.source())) {
                    apiSchedules.add(entry, request.firstFireAfterOneInterval()); // kept across restarts
                } else if (request.firstFireAfterOneInterval()) {
                    scheduler.addFiringAfterOneInterval(entry);
                } else {
                    scheduler.add(entry);
                }
            } catch (IllegalArgumentException e) {
                throw OperationException.invalid(e.getMessage());
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
            return entry;
        }
    }

    @Override
    public boolean removeSchedule(String id) {
        try {
            return apiSchedules.remove(id);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
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

    @Override
    public boolean paused(String flowPath) {
        return scheduler.isPaused(flowPath);
    }

    // --- history ---

    @Override
    public Optional<Execution> lastRun(String flowPath) {
        return store.list(ExecutionQuery.ofPath(flowPath, null, 1)).stream().findFirst();
    }

    @Override
    public List<Execution> executions(ExecutionQuery query) {
        return store.list(query);
    }

    @Override
    public Optional<Execution> execution(String id) {
        return store.find(id);
    }

    @Override
    public Optional<RunProgress> progress(String executionId) {
        return launcher.progress(executionId);
    }

    @Override
    public int deleteExecutions(Integer olderThanDays, String status) {
        return store.delete(olderThanDays, status);
    }

    @Override
    public int deleteEndedExecutions(Integer olderThanDays, Set<String> statuses) {
        return store.deleteEnded(olderThanDays, statuses);
    }

    @Override
    public boolean deleteExecution(String id) {
        return store.delete(id);
    }
}
