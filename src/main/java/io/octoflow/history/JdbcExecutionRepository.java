package io.octoflow.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.octoflow.database.Database;
import io.octoflow.execution.StepRecord;

/**
 * The execution history in the {@link Database}: one row per run (table {@code executions}) and one row per step
 * of that run (table {@code execution_steps}), the same SQL on embedded H2 and PostgreSQL. Writing, reading and
 * deleting are the jobs of {@link ExecutionWrites}, {@link ExecutionQueries} and {@link ExecutionRetention}; what a
 * row holds and the caps on it are {@link ExecutionRows}'.
 */
public final class JdbcExecutionRepository implements ExecutionRepository {

    /** The default cap on the input and data JSON texts: 1 MiB each. */
    public static final int DEFAULT_JSON_CAP_BYTES = Caps.DEFAULT_JSON_BYTES;
    /** The default cap on step records per run (HISTORY_MAX_STEPS_PER_RUN). */
    public static final int DEFAULT_MAX_STEPS_PER_RUN = 10_000;
    /** Rows deleted per transaction by a purge. */
    static final int DELETE_CHUNK = ExecutionRetention.DELETE_CHUNK;

    private final ExecutionRows rows;
    private final ExecutionWrites writes;
    private final ExecutionQueries queries;
    private final ExecutionRetention retention;
    private final Database database;

    /** With the default caps. */
    public JdbcExecutionRepository(Database database) {
        this(database, DEFAULT_JSON_CAP_BYTES, DEFAULT_MAX_STEPS_PER_RUN);
    }

    /**
     * @param jsonCapBytes   the largest input or data JSON text stored as is, in UTF-8 bytes (at least 64)
     * @param maxStepsPerRun the most step records kept per run (at least 1); the others are only counted
     */
    public JdbcExecutionRepository(Database database, int jsonCapBytes, int maxStepsPerRun) {
        this.database = database;
        this.rows = new ExecutionRows(jsonCapBytes, maxStepsPerRun);
        this.writes = new ExecutionWrites(database, rows);
        this.queries = new ExecutionQueries(database, maxStepsPerRun);
        this.retention = new ExecutionRetention(database);
    }

    /** The cap on input and data JSON texts, in bytes. */
    public int jsonCapBytes() {
        return rows.jsonCapBytes();
    }

    /** The cap on step records per run. */
    public int maxStepsPerRun() {
        return rows.maxStepsPerRun();
    }

    @Override
    public void started(Execution e, String replica) {
        writes.started(e, replica);
    }

    @Override
    public boolean finished(String id, String status, Instant endedAt, String error, String dataJson,
                            List<StepRecord> steps) {
        return writes.finished(id, status, endedAt, error, dataJson, steps);
    }

    @Override
    public void queued(Execution e, java.time.Duration timeout, String replica, String eventJson) {
        writes.queued(e, timeout, replica, eventJson);
    }

    @Override
    public boolean dequeued(String id, Instant startedAt) {
        return writes.dequeued(id, startedAt);
    }

    @Override
    public boolean endQueued(String id, String status, String reason) {
        return writes.endQueued(id, status, reason);
    }

    @Override
    public List<QueuedLaunch> queuedLaunches() {
        return queries.queuedLaunches();
    }

    @Override
    public Set<String> replicasWithUnfinishedRuns() {
        return queries.ownersOfUnfinished();
    }

    @Override
    public int markRunningAborted(String replica, String reason) {
        return writes.markRunningAborted(replica, reason);
    }

    @Override
    public List<QueuedLaunch> takeQueued(String fromReplica, String toReplica) {
        if (fromReplica == null || toReplica == null || fromReplica.equals(toReplica)) {
            throw new IllegalArgumentException("queued launches are taken from one replica by another, not from "
                    + fromReplica + " by " + toReplica);
        }
        return writes.takeQueued(queries.queuedLaunchesOf(fromReplica), fromReplica, toReplica);
    }

    @Override
    public void record(Execution e) {
        writes.record(e);
    }

    @Override
    public void sync() {
        database.sync("write the recorded runs to the database file");
    }

    @Override
    public int markRunningAborted(String reason) {
        return writes.markRunningAborted(reason);
    }

    @Override
    public int delete(Integer olderThanDays, String status) {
        String s = status == null || status.isBlank() ? null : Execution.checkStatus(status);
        return retention.deleteEnded(olderThanDays, s == null ? null : Set.of(s));
    }

    @Override
    public int deleteEnded(Integer olderThanDays, Set<String> statuses) {
        return retention.deleteEnded(olderThanDays, statuses);
    }

    @Override
    public boolean delete(String id) {
        return retention.delete(id);
    }

    @Override
    public Optional<Execution> find(String id) {
        return queries.find(id);
    }

    @Override
    public List<Execution> list(ExecutionQuery query) {
        return queries.list(query);
    }

    @Override
    public long count(ExecutionQuery query) {
        return queries.count(query);
    }

    @Override
    public Optional<Instant> lastScheduledFire(String flowPath) {
        return queries.lastScheduledFire(flowPath);
    }

    @Override
    public List<LastSuccess> lastSuccesses() {
        return queries.lastSuccesses();
    }
}
