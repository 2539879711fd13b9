package io.octoflow.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.database.Database;
import io.octoflow.execution.StepRecord;

/**
 * The execution history in the {@link Database}: one row per run (table {@code executions}) and one row per step
 * of that run (table {@code execution_steps}), the same SQL on embedded H2 and PostgreSQL. Writing, reading and
 * deleting are the jobs of {@link ExecutionWrites}, {@link ExecutionQueries} and {@link ExecutionRetention}; what a
 * row holds and the caps on it are {@link ExecutionRows}'.
 */
public final class JdbcExecutionRepository implements ExecutionRepository {

    private static final Logger LOG = LogManager.getLogger(JdbcExecutionRepository.class);

    /** The default cap on the input and data JSON texts: 1 MiB each. */
    public static final int DEFAULT_JSON_CAP_BYTES = Caps.DEFAULT_JSON_BYTES;
    /** The default cap on step records per run (HISTORY_MAX_STEPS_PER_RUN). */
    public static final int DEFAULT_MAX_STEPS_PER_RUN = 10_000;
    /** The default number of run writes that may wait for the history writer (HISTORY_WRITE_QUEUE). */
    public static final int DEFAULT_WRITE_QUEUE = 4096;
    /** The default most run writes in one transaction (HISTORY_WRITE_BATCH). */
    public static final int DEFAULT_WRITE_BATCH = 256;
    /** Rows deleted per transaction by a purge. */
    static final int DELETE_CHUNK = ExecutionRetention.DELETE_CHUNK;

    private final ExecutionRows rows;
    private final ExecutionWrites writes;
    private final ExecutionQueries queries;
    private final ExecutionRetention retention;
    private final ExecutionWriter writer;
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
        this(database, jsonCapBytes, maxStepsPerRun, DEFAULT_WRITE_QUEUE, DEFAULT_WRITE_BATCH);
    }

    /**
     * @param writeQueue run writes that may wait for the history writer before a recording thread blocks
     * @param writeBatch the most run writes the history writer puts in one transaction
     */
    public JdbcExecutionRepository(Database database, int jsonCapBytes, int maxStepsPerRun, int writeQueue,
            int writeBatch) {
        this.database = database;
        this.rows = new ExecutionRows(jsonCapBytes, maxStepsPerRun);
        this.writes = new ExecutionWrites(database, rows);
        this.queries = new ExecutionQueries(database, maxStepsPerRun);
        this.retention = new ExecutionRetention(database);
        this.writer = new ExecutionWriter(database, new ExecutionBatch(rows), writeQueue, writeBatch);
    }

    /** The cap on input and data JSON texts, in bytes. */
    public int jsonCapBytes() {
        return rows.jsonCapBytes();
    }

    /** The cap on step records per run. */
    public int maxStepsPerRun() {
        return rows.maxStepsPerRun();
    }

    /** Acknowledged at once (a launch's 202): durable before this returns, with the others of its batch. */
    @Override
    public void started(Execution e, String replica) {
        ExecutionRows.checkRow(e);
        writer.write(new ExecutionWriter.Insert(new Execution(e.id(), e.flowName(), e.flowPath(), e.trigger(),
                e.scheduledAt(), e.startedAt(), null, Execution.RUNNING, null, e.input(), null, List.of(), 0),
                replica), true);
    }

    @Override
    public boolean finished(String id, String status, Instant endedAt, String error, String dataJson,
                            List<StepRecord> steps) {
        return finished(id, status, endedAt, error, dataJson, steps, false);
    }

    @Override
    public boolean finishedDurably(String id, String status, Instant endedAt, String error, String dataJson,
                                   List<StepRecord> steps) {
        return finished(id, status, endedAt, error, dataJson, steps, true);
    }

    private boolean finished(String id, String status, Instant endedAt, String error, String dataJson,
                             List<StepRecord> steps, boolean durable) {
        ExecutionRows.checkId(id);
        String s = Execution.checkStatus(status);
        if (!Execution.ended(s)) {
            throw new IllegalArgumentException("a run cannot finish with status '" + s + "'");
        }
        int dropped = rows.dropped(steps);
        boolean updated = writer.write(new ExecutionWriter.End(id, s, endedAt != null ? endedAt : Instant.now(),
                error, dataJson, steps, dropped), durable);
        if (!updated) {
            LOG.warn("Execution {} ended ({}) but no running row has that id; its end is not recorded", id, s);
        } else if (dropped > 0) {
            LOG.warn("Execution {} ran {} steps: the first {} are kept, {} dropped (history max steps per run)", id,
                    steps.size(), rows.maxStepsPerRun(), dropped);
        }
        return updated;
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
        writer.write(new ExecutionWriter.Insert(whole(e), null), false);
    }

    @Override
    public void recordDurably(Execution e) {
        writer.write(new ExecutionWriter.Insert(whole(e), null), true);
    }

    /** A whole run's row as it is inserted: a final status without an end gets its start as end. */
    private Execution whole(Execution e) {
        ExecutionRows.checkRow(e);
        String s = Execution.checkStatus(e.status());
        Instant end = e.endedAt() == null && !Execution.RUNNING.equals(s) ? e.startedAt() : e.endedAt();
        int dropped = e.stepsDropped() + rows.dropped(e.steps());
        return new Execution(e.id(), e.flowName(), e.flowPath(), e.trigger(), e.scheduledAt(), e.startedAt(), end, s,
                e.error(), e.input(), e.data(), e.steps() == null ? List.of() : e.steps(), dropped);
    }

    @Override
    public void sync() {
        database.sync("write the recorded runs to the database file");
    }

    @Override
    public void close() {
        writer.close();
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
