package io.octoflow.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.octoflow.execution.StepRecord;

/**
 * The execution history: one record per run of a flow, with the records of its steps in the order they ran.
 * {@link JdbcExecutionRepository} keeps it in the {@link io.octoflow.database.Database} (embedded H2 or PostgreSQL).
 * <p>
 * A run is recorded by {@link #started} when it starts and {@link #finished} when it ends, or in one go by
 * {@link #record} (a skipped fire, or a whole run recorded after the fact). The input and data JSON texts are capped
 * (a longer document is replaced by the valid JSON {@code {"_truncated":true,"size":N}}), error texts keep at most
 * 8 KiB, and at most a set number of steps per run are kept: the others are counted in
 * {@link Execution#stepsDropped()}. Bad arguments (an unknown status or trigger, a missing id...) throw
 * {@link IllegalArgumentException}; database failures throw {@link io.octoflow.database.DatabaseException}.
 * Implementations are thread-safe.
 */
public interface ExecutionRepository {

    /**
     * Records a run that has just started: a {@code running} row with the run's id, flow, trigger (one of
     * {@link io.octoflow.execution.Trigger}), fire time, start and input. Its status, end, error, data and steps are
     * ignored.
     */
    default void started(Execution e) {
        started(e, null);
    }

    /**
     * As {@link #started(Execution)}, the row owned by {@code replica} (cluster mode: this replica's id in
     * {@code octoflow_replicas}; null outside cluster mode).
     */
    void started(Execution e, String replica);

    /**
     * Records the end of a {@link #started} run: its final status, end, error, data and steps, at once. Only a run
     * still {@code running} is updated: the first end recorded wins, and its steps are stored once.
     *
     * @param status  the final status, any one of {@link Execution#STATUSES} but {@code running}
     * @param endedAt when the run ended; null means now
     * @return true when the run was updated; false when no running run has that id (logged)
     */
    boolean finished(String id, String status, Instant endedAt, String error, String dataJson,
                     List<StepRecord> steps);

    /**
     * Records a launch admitted to wait for its flow's lock (concurrency: queue): a {@code queued} row with the
     * run's id, flow, trigger, fire time, input, {@code startedAt} the time it was admitted (the queue's order) and
     * the run's {@code timeout}. It becomes {@code running} by {@link #dequeued} or ends by {@link #endQueued}.
     */
    default void queued(Execution e, java.time.Duration timeout) {
        queued(e, timeout, null);
    }

    /** As {@link #queued(Execution, java.time.Duration)}, the row owned by {@code replica} (null: none). */
    default void queued(Execution e, java.time.Duration timeout, String replica) {
        queued(e, timeout, replica, null);
    }

    /**
     * As {@link #queued(Execution, java.time.Duration, String)}, with the event trigger's metadata (the run's
     * {@code __trigger__}, JSON; null for other launches), which {@link #queuedLaunches()} gives back.
     */
    void queued(Execution e, java.time.Duration timeout, String replica, String eventJson);

    /**
     * A queued launch got its lock: its row becomes {@code running}, started at {@code startedAt}.
     *
     * @return false when no queued row has that id (aborted or deleted meanwhile): the run must not go on
     */
    boolean dequeued(String id, Instant startedAt);

    /**
     * A queued launch that never ran ends: {@code skipped} (it waited past its timeout) or {@code aborted}, ended
     * now, with {@code reason} as its error.
     *
     * @return false when no queued row has that id
     */
    boolean endQueued(String id, String status, String reason);

    /** Every {@code queued} row, oldest admission first (the queue's order), with its input and timeout. */
    List<QueuedLaunch> queuedLaunches();

    /** Records a whole run at once, steps included; a run with a final status and no end gets its start as end. */
    void record(Execution e);

    /**
     * Makes every write this store returned from durable: in the database file when this returns, so that a kill -9
     * right after cannot take it back (for an outcome about to be acknowledged to a caller). Writers calling it at
     * the same time share one flush (group commit); on PostgreSQL every commit is durable already.
     */
    void sync();

    /**
     * As {@link #record}, and durable when this returns (see {@link #sync}): for a run whose outcome its caller is
     * told next. A store that batches its writes makes it durable with the others of the batch.
     */
    default void recordDurably(Execution e) {
        record(e);
        sync();
    }

    /** As {@link #finished}, and durable when this returns (see {@link #recordDurably}). */
    default boolean finishedDurably(String id, String status, Instant endedAt, String error, String dataJson,
                                    List<StepRecord> steps) {
        boolean updated = finished(id, status, endedAt, error, dataJson, steps);
        sync();
        return updated;
    }

    /**
     * At a clean stop, before the database closes: returns once every write other threads queued is written (a
     * store writing through a queue); a write after it is still taken.
     */
    default void close() {
    }

    /**
     * At start, before any run: every run still {@code running} (left by a killed process) becomes {@code aborted},
     * ended now, with {@code reason} as its error. Meant for the single-process service.
     *
     * @return how many runs were marked
     */
    int markRunningAborted(String reason);

    /**
     * Cluster mode: the replicas that own a {@code running} or {@code queued} row (rows without an owner aside). A
     * replica among them whose heartbeat stopped left these rows behind.
     */
    Set<String> replicasWithUnfinishedRuns();

    /**
     * Cluster mode: the {@code running} rows of {@code replica} (a dead one) become {@code aborted}, ended now, with
     * {@code reason} as their error; the other replicas' rows are left alone.
     *
     * @return how many runs were marked
     */
    int markRunningAborted(String replica, String reason);

    /**
     * Cluster mode: the {@code queued} rows of {@code fromReplica} (a dead one) become {@code toReplica}'s, one
     * conditional update each, so that of several replicas taking them over at once each row goes to exactly one.
     *
     * @return the rows taken, oldest admission first (the queue's order), with their input and timeout
     */
    List<QueuedLaunch> takeQueued(String fromReplica, String toReplica);

    /**
     * Deletes ended runs with their steps; running ones are never deleted.
     *
     * @param olderThanDays when set, only runs that ended more than this many days ago (0: ended before now)
     * @param status        when set, only runs with this status
     * @return how many runs were deleted
     */
    int delete(Integer olderThanDays, String status);

    /** As {@link #delete(Integer, String)}, with a status among {@code statuses} (null: any; empty: none). */
    int deleteEnded(Integer olderThanDays, Set<String> statuses);

    /** Deletes one ended run with its steps; false when no run has that id or it is queued or running. */
    boolean delete(String id);

    /** Deletes every run that ended more than {@code days} days ago (HISTORY_RETENTION_DAYS). */
    default int purgeOlderThan(int days) {
        return delete(days, null);
    }

    /** The run with that id, with its data and its steps in order. */
    Optional<Execution> find(String id);

    /** A page of runs matching the query, newest start first: summary rows, without data (null) and steps (empty). */
    List<Execution> list(ExecutionQuery query);

    /** How many runs match the query's filters (its limit and offset aside). */
    long count(ExecutionQuery query);

    /** The latest scheduled fire time recorded for the flow at {@code flowPath} (any status): missed-fire catch-up. */
    Optional<Instant> lastScheduledFire(String flowPath);

    /** When each flow's latest successful run ended (the metrics start from it). */
    List<LastSuccess> lastSuccesses();
}
