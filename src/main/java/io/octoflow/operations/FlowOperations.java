package io.octoflow.operations;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.octoflow.execution.RunProgress;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.lock.LockInfo;
import io.octoflow.service.Deployment;
import io.octoflow.schedule.ScheduleEntry;

/**
 * The one port through which the REST APIs, JMX and the web page see and change deployed flows, their runs,
 * locks and schedules, so that every check (an unknown flow, a name several files share, a locked flow) is made
 * once and every surface answers alike. Flows are identified by their path ({@code flowPath}: relative to
 * FLOWS_PATH, or as listed for files outside it); {@link #find} and {@link #resolve} turn what a user typed (a
 * path, or a name only one flow has) into a flow.
 *
 * <p>Refusals are {@link OperationException}s saying why (not found, conflict, invalid); a name several deployed
 * flows share throws {@link io.octoflow.service.AmbiguousFlowException} with their paths.
 */
public interface FlowOperations {

    // --- deployed flows and flow files ---

    /** The flow deployed at {@code flowPath} (its id); empty when none. */
    Optional<FlowDefinition> flowAt(String flowPath);

    /** The flow {@code reference} names: its path, or a name only one deployed flow has; empty when none. */
    Optional<FlowDefinition> find(String reference);

    /** {@link #find}, or {@link OperationException} (not found) naming {@code reference}. */
    FlowDefinition resolve(String reference);

    /**
     * The deployment of the file at {@code relativePath} in FLOWS_PATH, valid or not; empty when there is no such
     * flow file. Throws {@link io.octoflow.path.ConfinedPaths.PathOutsideRootException} (or
     * {@link java.nio.file.InvalidPathException}) when the path leaves FLOWS_PATH or is no path.
     */
    Optional<Deployment> deployment(String relativePath);

    /** The deployed flows, in the order their files were deployed. */
    List<FlowDefinition> flows();

    /** The flow files that do not validate (a previous version may still run). */
    List<Deployment> invalidFiles();

    /** The warnings of the flow file at {@code flowPath}: stricter checks the flow runs despite; empty when none. */
    List<Problem> warnings(String flowPath);

    /**
     * How long a run may take given the {@code timeout_seconds} that applies to it (a launch's, a schedule's or the
     * flow file's): that one, else FLOW_TIMEOUT when it is null.
     */
    long timeoutSeconds(Long timeoutSeconds);

    // --- runs ---

    /**
     * Launches {@code flow} with {@code input} (its {@code __input__}) and, when not null, {@code timeoutSeconds};
     * returns once the run is admitted. Refused (locked, shutting down): {@link OperationException} (conflict).
     */
    Launched launch(FlowDefinition flow, Object input, Long timeoutSeconds, Trigger trigger);

    /**
     * As {@link #launch(FlowDefinition, Object, Long, Trigger)}; {@code callerWaits}: the caller waits for the run's
     * end and is only told that (an API {@code ?wait=true}), so a short run is recorded once, when it ends, and
     * durably before {@link Launched#done()} completes (see {@code ExecutionRecorder}).
     */
    default Launched launch(FlowDefinition flow, Object input, Long timeoutSeconds, Trigger trigger,
            boolean callerWaits) {
        return launch(flow, input, timeoutSeconds, trigger);
    }

    /**
     * As {@link #launch(FlowDefinition, Object, Long, Trigger, boolean)}, answered by the returned stage instead of
     * a waiting thread (the API's launch, issue 17): it fails with the {@link OperationException} of a refusal.
     */
    default CompletionStage<Launched> launchAsync(FlowDefinition flow, Object input, Long timeoutSeconds,
            Trigger trigger, boolean callerWaits) {
        return CompletableFuture.completedFuture(launch(flow, input, timeoutSeconds, trigger, callerWaits));
    }

    /** Aborts a running execution; {@link OperationException}: not found (no such id), conflict (not running). */
    void abort(String executionId);

    boolean isRunning(String executionId);

    // --- locks ---

    /** The locks held now (one per flow running). */
    List<LockInfo> locks();

    boolean locked(String flowPath);

    /**
     * Removes the lock {@code reference} names: a lock's key (the flow's path, also of a flow no longer deployed),
     * or a name only one deployed flow has; false when there was no such lock.
     */
    boolean unlock(String reference);

    /** Removes every lock; returns how many there were. */
    int unlockAll();

    // --- schedules ---

    List<ScheduleEntry> schedules();

    /** The schedules of the flow at {@code flowPath}. */
    List<ScheduleEntry> schedules(String flowPath);

    Optional<ScheduleEntry> schedule(String id);

    Optional<Instant> nextFire(ScheduleEntry schedule);

    /** The next fire of any of the flow's schedules; empty without one. */
    Optional<Instant> nextFire(String flowPath);

    /** The id of the newest run the schedule launched since Octoflow started. */
    Optional<String> lastExecutionId(String scheduleId);

    /**
     * Schedules {@code flow}; {@link OperationException}: invalid (bad cron, both or neither of cron and
     * every_seconds), {@link ScheduleConflictException} when the request allows one schedule per flow and the flow
     * has one.
     */
    ScheduleEntry addSchedule(FlowDefinition flow, ScheduleRequest request);

    /** False when no schedule has that id. */
    boolean removeSchedule(String id);

    /** Skips the scheduled fires of the flow at {@code flowPath} (launches still run), across restarts. */
    boolean pause(String flowPath);

    boolean resume(String flowPath);

    boolean paused(String flowPath);

    // --- history ---

    Optional<Execution> lastRun(String flowPath);

    List<Execution> executions(ExecutionQuery query);

    Optional<Execution> execution(String id);

    /**
     * A run still going in this process: its steps finished so far and its current step, from memory (the history
     * has its steps only once it ends); empty otherwise.
     */
    Optional<RunProgress> progress(String executionId);

    /** Deletes the runs older than {@code olderThanDays} and/or with {@code status}; returns how many. */
    int deleteExecutions(Integer olderThanDays, String status);

    /** Deletes ended runs older than {@code olderThanDays} with one of {@code statuses} (null: any). */
    int deleteEndedExecutions(Integer olderThanDays, Set<String> statuses);

    /** Deletes one run; false when there is none with that id. */
    boolean deleteExecution(String id);
}
