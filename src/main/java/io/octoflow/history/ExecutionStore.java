package io.octoflow.history;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.octoflow.execution.StepRecord;

/**
 * The execution history: one row per run of a flow (table {@code executions}) and one row per step of that run
 * (table {@code execution_steps}), in a JDBC database reached through a small HikariCP pool.
 *
 * <h2>Databases</h2>
 * <ul>
 * <li><b>Embedded H2</b> (the default, {@link #h2Url(Path) jdbc:h2:file:&lt;DATA_PATH&gt;/octoflow}): the database
 * runs inside this JVM, with no server and nothing to install; its file is {@code DATA_PATH/octoflow.mv.db}.
 * {@link #open} adds {@code ;DB_CLOSE_ON_EXIT=FALSE} to an embedded H2 URL that does not set it, so that H2's own
 * JVM shutdown hook does not close the database under the service while it is still recording the runs it aborts
 * on SIGTERM. The database is closed by {@link #close()} instead: it closes the pool, and H2 closes the database
 * file when its last connection goes (H2's default {@code DB_CLOSE_DELAY=0}); the service must call
 * {@code close()} last in its shutdown. It also adds {@code ;WRITE_DELAY=10} (see {@link #H2_WRITE_DELAY_MS}):
 * a process killed before {@code close()} loses at most the last few milliseconds of writes, never the file.</li>
 * <li><b>PostgreSQL</b> when the URL says so ({@code jdbc:postgresql://host/db}). Batched step inserts are
 * rewritten into multi-row inserts ({@code reWriteBatchedInserts}).</li>
 * </ul>
 * The schema is created and upgraded by Flyway from {@code classpath:db/migration} ({@code V1__executions.sql},
 * ...): portable SQL that runs unchanged on both. Opening an up-to-date database applies nothing.
 *
 * <h2>Writes</h2>
 * A run is recorded by {@link #started} when it starts and {@link #finished} when it ends, or in one go by
 * {@link #record} (a skipped fire, or a whole run recorded after the fact). Each call is one short transaction on
 * prepared statements, step rows inserted as one JDBC batch. The input and data JSON texts are capped (default
 * 1 MiB each, see {@link #open(String, String, String, int)}): a longer document is replaced by the valid JSON
 * {@code {"_truncated":true,"size":N}} (N its size in bytes), never cut in half. Error texts keep at most 8 KiB.
 *
 * <h2>Errors</h2>
 * Bad arguments (an unknown status, a missing id...) throw {@link IllegalArgumentException}; database failures
 * throw {@link HistoryException}. The store is thread-safe.
 */
public final class ExecutionStore implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ExecutionStore.class);

    /** Pool size: enough for 1,000 recorded runs a second on H2, small enough for a shared PostgreSQL. */
    static final int MAX_POOL_SIZE = 8;
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    /** Rows deleted per transaction by {@link #delete}, so a large purge never blocks writers for long. */
    static final int DELETE_CHUNK = 5_000;

    /**
     * How long a commit to an embedded H2 file may wait before it is written to the file (H2's default is 500 ms).
     * A process killed with {@code kill -9} loses the commits of its last few milliseconds instead of its last half
     * second: a run that started earlier is found {@code running} and marked aborted at the next start. Writing
     * every commit ({@code ;WRITE_DELAY=0} in the URL) closes that gap at 2 to 5 times the cost per run.
     */
    public static final int H2_WRITE_DELAY_MS = 10;

    static final int MAX_ID = 64;
    static final int MAX_FLOW_NAME = 1024;
    static final int MAX_FLOW_PATH = 4096;
    /** paused_flows.flow_path, a primary key: kept within what a PostgreSQL index entry holds. */
    static final int MAX_PAUSED_PATH = 1024;
    static final int MAX_TRIGGER = 32;
    static final int MAX_STEP_NAME = 1024;
    static final int MAX_STEP_STATUS = 32;

    private static final String COLUMNS =
            "id, flow_name, flow_path, trigger_type, scheduled_at, started_at, ended_at, status, error, input";
    private static final String INSERT =
            "INSERT INTO executions (" + COLUMNS + ", data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FINISH =
            "UPDATE executions SET status = ?, ended_at = ?, error = ?, data = ? WHERE id = ? AND status = 'running'";
    private static final String INSERT_STEP =
            "INSERT INTO execution_steps (execution_id, seq, step, status, started_at, duration_micros, error)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND = "SELECT " + COLUMNS + ", data FROM executions WHERE id = ?";
    private static final String FIND_STEPS =
            "SELECT step, status, started_at, duration_micros, error FROM execution_steps"
                    + " WHERE execution_id = ? ORDER BY seq";
    private static final String DELETE_ONE = "DELETE FROM executions WHERE id = ?";
    private static final String MARK_ABORTED =
            "UPDATE executions SET status = 'aborted', error = ?, ended_at = ? WHERE status = 'running'";
    // ORDER BY repeats the equality column so that H2, like PostgreSQL, reads the (flow_name, scheduled_at) index
    // backwards and stops at the first row instead of sorting the flow's whole history.
    // By path: flows are identified by their path (files may share a name).
    private static final String LAST_SCHEDULED =
            "SELECT scheduled_at FROM executions WHERE flow_path = ? AND scheduled_at IS NOT NULL"
                    + " ORDER BY flow_path DESC, scheduled_at DESC LIMIT 1";

    private static final String LAST_SUCCESSES =
            "SELECT flow_name, flow_path, MAX(ended_at) FROM executions WHERE status IN ('success', 'exit')"
                    + " GROUP BY flow_name, flow_path";

    /** When the latest successful run of a flow (name and path as recorded) ended. */
    public record LastSuccess(String flowName, String flowPath, Instant ended) {
    }

    private final HikariDataSource pool;
    private final int jsonCapBytes;
    private final ExecutorService pinger;

    private ExecutionStore(HikariDataSource pool, int jsonCapBytes) {
        this.pool = pool;
        this.jsonCapBytes = jsonCapBytes;
        this.pinger = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "octoflow-history-ping");
            t.setDaemon(true);
            return t;
        });
    }

    /** The default embedded database: {@code jdbc:h2:file:<dataPath>/octoflow}. */
    public static String h2Url(Path dataPath) {
        return "jdbc:h2:file:" + dataPath.toAbsolutePath().normalize().resolve("octoflow");
    }

    /** {@link #open(String, String, String, int)} with the default 1 MiB cap on input and data JSON. */
    public static ExecutionStore open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, Caps.DEFAULT_JSON_BYTES);
    }

    /**
     * Connects (a HikariCP pool of at most {@value #MAX_POOL_SIZE} connections), migrates the schema with Flyway
     * and returns the store.
     *
     * @param jdbcUrl      {@code jdbc:h2:file:...} (embedded, see the class comment) or
     *                     {@code jdbc:postgresql://...}; decided by the caller, typically {@link #h2Url(Path)}
     * @param user         database user, may be null or empty for H2
     * @param password     database password, may be null
     * @param jsonCapBytes the largest input or data JSON text stored as is, in UTF-8 bytes (at least 64)
     * @throws HistoryException when the database cannot be reached or migrated
     */
    public static ExecutionStore open(String jdbcUrl, String user, String password, int jsonCapBytes) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("the execution history needs a JDBC URL (DB_URL)");
        }
        if (jsonCapBytes < Caps.MIN_JSON_BYTES) {
            throw new IllegalArgumentException("the JSON cap must be at least " + Caps.MIN_JSON_BYTES
                    + " bytes, not " + jsonCapBytes);
        }
        String url = withEmbeddedH2Defaults(jdbcUrl.trim());
        HikariConfig config = new HikariConfig();
        config.setPoolName("octoflow-history");
        config.setJdbcUrl(url);
        if (user != null && !user.isEmpty()) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(2);
        config.setAutoCommit(false); // every method commits its own short transaction
        config.setConnectionTimeout(10_000);
        if (url.startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException ex) {
            throw new HistoryException("cannot connect to the execution history database " + redact(url)
                    + ": " + rootMessage(ex), ex);
        }
        try {
            var result = Flyway.configure(ExecutionStore.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.info("Execution history in {} (schema version {}, {} migration(s) applied)", redact(url),
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException ex) {
            pool.close();
            throw new HistoryException("cannot migrate the execution history database " + redact(url) + ": "
                    + rootMessage(ex), ex);
        }
        return new ExecutionStore(pool, jsonCapBytes);
    }

    /** The cap on input and data JSON texts, in bytes. */
    public int jsonCapBytes() {
        return jsonCapBytes;
    }

    // --- writes ---

    /**
     * Records a run that has just started: a {@code running} row with the run's id, flow, trigger, fire time,
     * start and input (capped). The status, end, error, data and steps of {@code e} are ignored.
     *
     * @throws HistoryException when the id is already recorded or the database fails
     */
    public void started(Execution e) {
        checkRow(e);
        inTransaction("record the start of " + e.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bindRow(ps, e, Execution.RUNNING, null, null, null);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records the end of a {@link #started} run: its final status, end, error and data (capped), and its steps in
     * order, in one transaction. Only a row still {@code running} is updated: the first end recorded wins (a run
     * aborted at shutdown that finishes afterwards keeps {@code aborted}), and its steps are inserted once.
     *
     * @param status  the final status, any one of {@link Execution#STATUSES} but {@code running}
     * @param endedAt when the run ended; null means now
     * @return true when the row was updated; false when no running row has that id (logged)
     */
    public boolean finished(String id, String status, Instant endedAt, String error, String dataJson,
                            List<StepRecord> steps) {
        checkId(id);
        String s = Execution.checkStatus(status);
        if (Execution.RUNNING.equals(s)) {
            throw new IllegalArgumentException("a run cannot finish with status 'running'");
        }
        Instant end = endedAt != null ? endedAt : Instant.now();
        boolean updated = inTransaction("record the end of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(FINISH)) {
                ps.setString(1, s);
                setInstant(ps, 2, end);
                ps.setString(3, Caps.text(error, Caps.ERROR_BYTES));
                ps.setString(4, Caps.json(dataJson, jsonCapBytes));
                ps.setString(5, id);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertSteps(c, id, steps);
            return true;
        });
        if (!updated) {
            LOG.warn("Execution {} ended ({}) but no running row has that id; its end is not recorded", id, s);
        }
        return updated;
    }

    /**
     * Records a whole run at once, steps included, in one transaction: a {@code skipped} fire, or a run recorded
     * after it ended. A row with a final status and no end gets its start as end. Input and data are capped.
     *
     * @throws HistoryException when the id is already recorded or the database fails
     */
    public void record(Execution e) {
        checkRow(e);
        String s = Execution.checkStatus(e.status());
        Instant end = e.endedAt() == null && !Execution.RUNNING.equals(s) ? e.startedAt() : e.endedAt();
        inTransaction("record " + e.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                bindRow(ps, e, s, end, e.error(), e.data());
                ps.executeUpdate();
            }
            insertSteps(c, e.id(), e.steps());
            return null;
        });
    }

    /**
     * At start, before any run: every row still {@code running} (left by a killed process) becomes
     * {@code aborted}, ended now, with {@code reason} as its error. With several service replicas on one
     * PostgreSQL this would also abort the other replicas' runs; it is meant for the single-process service.
     *
     * @return how many rows were marked
     */
    public int markRunningAborted(String reason) {
        Instant now = Instant.now();
        int n = inTransaction("mark interrupted runs aborted", c -> {
            try (PreparedStatement ps = c.prepareStatement(MARK_ABORTED)) {
                ps.setString(1, Caps.text(reason, Caps.ERROR_BYTES));
                setInstant(ps, 2, now);
                return ps.executeUpdate();
            }
        });
        return n;
    }

    /**
     * Deletes ended runs, with their steps. Rows still {@code running} are never deleted.
     *
     * @param olderThanDays when set, only runs that ended more than this many days ago (0: ended before now)
     * @param status        when set, only runs with this status
     * @return how many runs were deleted
     */
    public int delete(Integer olderThanDays, String status) {
        String s = status == null || status.isBlank() ? null : Execution.checkStatus(status);
        return deleteEnded(olderThanDays, s == null ? null : Set.of(s));
    }

    /**
     * Deletes ended runs, with their steps, as {@link #delete(Integer, String)} does, with a status among
     * {@code statuses} (null: any; empty: none).
     */
    public int deleteEnded(Integer olderThanDays, Set<String> statuses) {
        if (olderThanDays != null && olderThanDays < 0) {
            throw new IllegalArgumentException("older_than_days must be 0 or more, not " + olderThanDays);
        }
        if (statuses != null && statuses.isEmpty()) {
            return 0;
        }
        List<String> wanted = statuses == null ? null
                : statuses.stream().map(Execution::checkStatus).distinct().sorted().toList();
        String s = wanted == null ? null : String.join(", ", wanted);
        StringBuilder where = new StringBuilder("ended_at IS NOT NULL");
        List<Object> args = new ArrayList<>();
        if (olderThanDays != null) {
            OffsetDateTime cutoff = odt(Instant.now().minus(Duration.ofDays(olderThanDays)));
            // started_at <= ended_at: the first condition lets the started_at index narrow the scan
            where.append(" AND started_at < ? AND ended_at < ?");
            args.add(cutoff);
            args.add(cutoff);
        }
        if (wanted != null) {
            where.append(" AND status IN (").append(String.join(", ", java.util.Collections.nCopies(wanted.size(),
                    "?"))).append(")");
            args.addAll(wanted);
        }
        // A chunk of ids, then a batch of deletes by primary key, one transaction per chunk. (H2 re-runs a
        // "DELETE ... WHERE id IN (SELECT ... FETCH FIRST n)" subquery for every row: 14 s for 5,000 rows.)
        String select = "SELECT id FROM executions WHERE " + where + " FETCH FIRST " + DELETE_CHUNK + " ROWS ONLY";
        int total = 0;
        while (true) {
            int[] selectedDeleted = inTransaction("delete executions", c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(select)) {
                    bind(ps, args);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    return new int[] {0, 0};
                }
                int deleted = 0;
                try (PreparedStatement ps = c.prepareStatement(DELETE_ONE)) { // steps go by ON DELETE CASCADE
                    for (String id : ids) {
                        ps.setString(1, id);
                        ps.addBatch();
                    }
                    for (int count : ps.executeBatch()) {
                        deleted += count == Statement.SUCCESS_NO_INFO ? 1 : count;
                    }
                }
                return new int[] {ids.size(), deleted};
            });
            total += selectedDeleted[1];
            if (selectedDeleted[0] < DELETE_CHUNK) {
                break;
            }
        }
        if (total > 0) {
            LOG.info("Deleted {} execution(s){}{}", total,
                    olderThanDays != null ? " ended more than " + olderThanDays + " day(s) ago" : "",
                    s != null ? " with status " + s : "");
        }
        return total;
    }

    /**
     * Deletes one ended run with its steps.
     *
     * @return false when no run has that id or it is still running
     */
    public boolean delete(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            return false;
        }
        return inTransaction("delete execution " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE_ONE + " AND status <> 'running'")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Deletes every run that ended more than {@code days} days ago (HISTORY_RETENTION_DAYS). */
    public int purgeOlderThan(int days) {
        return delete(days, null);
    }

    // --- reads ---

    /** The run with that id, with its data and its steps in order. */
    public Optional<Execution> find(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_ID) {
            return Optional.empty();
        }
        return inTransaction("read execution " + id, c -> {
            Execution row;
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    row = readRow(rs, rs.getString(11), List.of());
                }
            }
            List<StepRecord> steps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(FIND_STEPS)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        steps.add(new StepRecord(rs.getString(1), rs.getString(2), instant(rs, 3), rs.getLong(4),
                                rs.getString(5)));
                    }
                }
            }
            return Optional.of(new Execution(row.id(), row.flowName(), row.flowPath(), row.trigger(),
                    row.scheduledAt(), row.startedAt(), row.endedAt(), row.status(), row.error(), row.input(),
                    row.data(), steps));
        });
    }

    /**
     * A page of runs matching the query, newest start first: summary rows, without their data (null) and
     * without their steps (empty); {@link #find} has both.
     */
    public List<Execution> list(ExecutionQuery q) {
        List<Object> args = new ArrayList<>();
        String where = where(q, args);
        // Repeating an equality-filtered column in ORDER BY lets H2 walk the matching index backwards and stop
        // after one page; PostgreSQL does the same either way.
        String order = q.path() != null ? "flow_path DESC, started_at DESC"
                : q.flow() != null ? "flow_name DESC, started_at DESC"
                : q.status() != null && q.statuses() == null ? "status DESC, started_at DESC"
                : "started_at DESC";
        String sql = "SELECT " + COLUMNS + " FROM executions" + where + " ORDER BY " + order
                + " LIMIT " + q.limit() + " OFFSET " + q.offset();
        return inTransaction("list executions", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Execution> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(readRow(rs, null, List.of()));
                    }
                    return rows;
                }
            }
        });
    }

    /** How many runs match the query's filters (its limit and offset aside). */
    public long count(ExecutionQuery q) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM executions" + where(q, args);
        return inTransaction("count executions", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * The latest scheduled fire time recorded for the flow at {@code flowPath} (any status, skipped included):
     * missed-fire catch-up.
     */
    public Optional<Instant> lastScheduledFire(String flowPath) {
        if (flowPath == null || flowPath.isBlank()) {
            return Optional.empty();
        }
        return inTransaction("read the last fire of " + flowPath, c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_SCHEDULED)) {
                ps.setString(1, Caps.clip(flowPath, MAX_FLOW_PATH));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(instant(rs, 1)) : Optional.empty();
                }
            }
        });
    }

    /** When each flow's latest successful run ended (the metrics start from it). */
    public List<LastSuccess> lastSuccesses() {
        return inTransaction("read the last successful runs", c -> {
            List<LastSuccess> last = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LAST_SUCCESSES); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant ended = instant(rs, 3);
                    if (ended != null) {
                        last.add(new LastSuccess(rs.getString(1), rs.getString(2), ended));
                    }
                }
            }
            return last;
        });
    }

    /** The paths of the flows whose schedules are paused. */
    public Set<String> pausedFlows() {
        return inTransaction("read the paused flows", c -> {
            Set<String> paused = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT flow_path FROM paused_flows ORDER BY flow_path");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    paused.add(rs.getString(1));
                }
            }
            return paused;
        });
    }

    /** Pauses or resumes the schedules of the flow at {@code flowPath}; true when that changed something. */
    public boolean setPaused(String flowPath, boolean paused) {
        if (flowPath == null || flowPath.isBlank() || flowPath.length() > MAX_PAUSED_PATH) {
            throw new IllegalArgumentException("flow path: expected 1 to " + MAX_PAUSED_PATH + " characters");
        }
        return inTransaction((paused ? "pause " : "resume ") + flowPath, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM paused_flows WHERE flow_path = ?")) {
                delete.setString(1, flowPath);
                int removed = delete.executeUpdate();
                if (!paused) {
                    return removed > 0;
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO paused_flows (flow_path, paused_at) VALUES (?, ?)")) {
                    insert.setString(1, flowPath);
                    insert.setObject(2, odt(Instant.now()), Types.TIMESTAMP_WITH_TIMEZONE);
                    insert.executeUpdate();
                }
                return removed == 0;
            }
        });
    }

    /** True when the database answers {@code SELECT 1} within 2 s (health checks); never throws. */
    public boolean ping() {
        Future<Boolean> answer;
        try {
            answer = pinger.submit(() -> {
                try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                    st.setQueryTimeout((int) PING_TIMEOUT.toSeconds());
                    try (ResultSet rs = st.executeQuery("SELECT 1")) {
                        boolean ok = rs.next() && rs.getInt(1) == 1;
                        c.rollback();
                        return ok;
                    }
                }
            });
        } catch (RuntimeException ex) { // rejected: the store is closed
            return false;
        }
        try {
            return answer.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return false;
        } catch (Exception ex) {
            answer.cancel(true);
            LOG.debug("Execution history ping failed", ex);
            return false;
        }
    }

    /** Closes the pool; an embedded H2 database closes with its last connection. */
    @Override
    public void close() {
        pinger.shutdownNow();
        pool.close();
    }

    // --- internals ---

    @FunctionalInterface
    /** Work on one connection of the pool, in one transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction of this database (other stores share the schema and the pool). */
    public <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException ex) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    ex.addSuppressed(rollbackFailure);
                }
                throw ex;
            }
        } catch (SQLException ex) {
            throw new HistoryException("cannot " + what + ": " + ex.getMessage(), ex);
        }
    }

    private void insertSteps(Connection c, String id, List<StepRecord> steps) throws SQLException {
        if (steps == null || steps.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_STEP)) {
            int seq = 0;
            for (StepRecord step : steps) {
                ps.setString(1, id);
                ps.setInt(2, seq++);
                ps.setString(3, Caps.clip(step.step() == null ? "" : step.step(), MAX_STEP_NAME));
                ps.setString(4, Caps.clip(step.status() == null ? "" : step.status(), MAX_STEP_STATUS));
                setInstant(ps, 5, step.start());
                ps.setLong(6, step.durationMicros());
                ps.setString(7, Caps.text(step.error(), Caps.ERROR_BYTES));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void bindRow(PreparedStatement ps, Execution e, String status, Instant endedAt, String error,
                         String data) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.flowName());
        ps.setString(3, Caps.clip(e.flowPath(), MAX_FLOW_PATH));
        ps.setString(4, e.trigger().trim().toLowerCase(Locale.ROOT));
        setInstant(ps, 5, e.scheduledAt());
        setInstant(ps, 6, e.startedAt());
        setInstant(ps, 7, endedAt);
        ps.setString(8, status);
        ps.setString(9, Caps.text(error, Caps.ERROR_BYTES));
        ps.setString(10, Caps.json(e.input(), jsonCapBytes));
        ps.setString(11, Caps.json(data, jsonCapBytes));
    }

    private static Execution readRow(ResultSet rs, String data, List<StepRecord> steps) throws SQLException {
        return new Execution(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                instant(rs, 6), instant(rs, 7), rs.getString(8), rs.getString(9), rs.getString(10), data, steps);
    }

    private static String where(ExecutionQuery q, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (q.flow() != null) {
            conditions.add("flow_name = ?");
            args.add(q.flow());
        }
        if (q.path() != null) {
            conditions.add("flow_path = ?");
            args.add(q.path());
        }
        if (q.status() != null) {
            conditions.add("status = ?");
            args.add(q.status());
        }
        if (q.from() != null) {
            conditions.add("started_at >= ?");
            args.add(odt(q.from()));
        }
        if (q.to() != null) {
            conditions.add("started_at < ?");
            args.add(odt(q.to()));
        }
        if (q.statuses() != null) {
            if (q.statuses().isEmpty()) {
                conditions.add("1 = 0");
            } else {
                conditions.add("status IN (" + String.join(", ", java.util.Collections.nCopies(
                        q.statuses().size(), "?")) + ")");
                args.addAll(q.statuses().stream().sorted().toList());
            }
        }
        if (q.endedFrom() != null) {
            conditions.add("ended_at >= ?");
            args.add(odt(q.endedFrom()));
        }
        if (q.endedTo() != null) {
            conditions.add("ended_at <= ?");
            args.add(odt(q.endedTo()));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setString(i + 1, (String) arg);
            }
        }
    }

    private static void checkId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("execution id is missing");
        }
        if (id.length() > MAX_ID) {
            throw new IllegalArgumentException("execution id is longer than " + MAX_ID + " characters: " + id);
        }
    }

    private static void checkRow(Execution e) {
        if (e == null) {
            throw new IllegalArgumentException("execution is missing");
        }
        checkId(e.id());
        if (e.flowName() == null || e.flowName().isBlank()) {
            throw new IllegalArgumentException("execution " + e.id() + " has no flow name");
        }
        if (e.flowName().length() > MAX_FLOW_NAME) {
            throw new IllegalArgumentException("execution " + e.id() + ": flow name longer than " + MAX_FLOW_NAME
                    + " characters");
        }
        if (e.trigger() == null || e.trigger().isBlank() || e.trigger().trim().length() > MAX_TRIGGER) {
            throw new IllegalArgumentException("execution " + e.id() + ": trigger must be a short word"
                    + " (schedule, api, cli, jmx, startup), not '" + e.trigger() + "'");
        }
        if (e.startedAt() == null) {
            throw new IllegalArgumentException("execution " + e.id() + " has no start time");
        }
    }

    private static OffsetDateTime odt(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, odt(value), Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * Defaults for an embedded H2 URL (not a {@code tcp:}/{@code ssl:} server URL), each added only when the URL
     * does not set it: {@code DB_CLOSE_ON_EXIT=FALSE} (the database closes in {@link #close()}, not in H2's own
     * shutdown hook) and, for a file database, {@code WRITE_DELAY=}{@value #H2_WRITE_DELAY_MS}.
     */
    static String withEmbeddedH2Defaults(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:tcp:") || lower.startsWith("jdbc:h2:ssl:")) {
            return url;
        }
        StringBuilder b = new StringBuilder(url);
        if (!lower.contains(";db_close_on_exit=")) {
            b.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (!lower.startsWith("jdbc:h2:mem:") && !lower.contains(";write_delay=")) {
            b.append(";WRITE_DELAY=").append(H2_WRITE_DELAY_MS);
        }
        return b.toString();
    }

    /** The URL without any password it carries, for log lines. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
