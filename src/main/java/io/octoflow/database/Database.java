package io.octoflow.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Octoflow's one database: a small HikariCP pool, the schema migrated by Flyway, and short transactions. Every JDBC
 * store (executions, paused flows, tasks) works through {@link #inTransaction}.
 *
 * <h2>Databases</h2>
 * <ul>
 * <li><b>Embedded H2</b> (the default, {@link DatabaseUrls#h2 jdbc:h2:file:&lt;DATA_PATH&gt;/octoflow}): the
 * database runs inside this JVM, with no server and nothing to install; its file is {@code DATA_PATH/octoflow.mv.db}.
 * {@link #open} adds {@link DatabaseUrls#withEmbeddedH2Defaults its defaults}. The database is closed by
 * {@link #close()}: it closes the pool, and H2 closes the file when its last connection goes; the service must call
 * {@code close()} last in its shutdown.</li>
 * <li><b>PostgreSQL</b> when the URL says so ({@code jdbc:postgresql://host/db}). Batched inserts are rewritten into
 * multi-row inserts ({@code reWriteBatchedInserts}).</li>
 * </ul>
 * The schema is created and upgraded by Flyway from {@code classpath:db/migration} ({@code V1__executions.sql},
 * ...): portable SQL that runs unchanged on both. Opening an up-to-date database applies nothing.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Database.class);

    /** Pool size: enough for 1,000 recorded runs a second on H2, small enough for a shared PostgreSQL. */
    static final int MAX_POOL_SIZE = 8;
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    /** {@link #compact} leaves alone a file smaller than this, or whose chunks hold this much live data (%). */
    static final long COMPACT_FROM_BYTES = 1 << 20;
    static final int COMPACT_BELOW_FILL_RATE = 50;
    /** How full compaction makes the chunks it rewrites (%), and how much it rewrites or moves per step. */
    private static final int FILL_RATE_GOAL = 90;
    private static final int COMPACT_STEP_BYTES = 16 << 20;

    /** Work on one connection of the pool, in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final HikariDataSource pool;
    private final ExecutorService pinger;
    /** An embedded H2 file: its commits reach the file within WRITE_DELAY, unless a CHECKPOINT writes them now. */
    private volatile boolean delayedWrites;
    private final boolean embeddedH2;
    /** Group commit of {@link #sync}: checkpoints begun and done, one at a time under {@code checkpointLock}. */
    private final AtomicLong checkpointsBegun = new AtomicLong();
    private final Object checkpointLock = new Object();
    private long checkpointsDone;

    private Database(HikariDataSource pool, boolean delayedWrites, boolean embeddedH2) {
        this.pool = pool;
        this.delayedWrites = delayedWrites;
        this.embeddedH2 = embeddedH2;
        this.pinger = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "octoflow-database-ping");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects (a pool of at most {@value #MAX_POOL_SIZE} connections), migrates the schema and returns the database.
     *
     * @param jdbcUrl  {@code jdbc:h2:file:...} or {@code jdbc:postgresql://...}, typically {@link DatabaseUrls#h2}
     * @param user     database user, may be null or empty for H2
     * @param password database password, may be null
     * @throws DatabaseException when the database cannot be reached or migrated
     */
    public static Database open(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IllegalArgumentException("the execution history needs a JDBC URL (DB_URL)");
        }
        String url = DatabaseUrls.withEmbeddedH2Defaults(jdbcUrl.trim());
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
        if (DatabaseUrls.isPostgres(url)) {
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException ex) {
            if (inUseByAnotherProcess(ex)) {
                throw new DatabaseException("the execution history database " + DatabaseUrls.h2File(url)
                        + " is in use by another process: another Octoflow uses the same DATA_PATH (an `octoflow run`,"
                        + " or an `octoflow launch` still running); stop it, or give this one its own DATA_PATH or"
                        + " DB_URL", ex);
            }
            throw new DatabaseException("cannot connect to the execution history database "
                    + DatabaseUrls.redact(url) + ": " + rootMessage(ex), ex);
        }
        try {
            var result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations(migrationLocations(url))
                    .load()
                    .migrate();
            LOG.info("Execution history in {} (schema version {}, {} migration(s) applied)", DatabaseUrls.redact(url),
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                    result.migrationsExecuted);
        } catch (RuntimeException ex) {
            pool.close();
            throw new DatabaseException("cannot migrate the execution history database " + DatabaseUrls.redact(url)
                    + ": " + rootMessage(ex), ex);
        }
        return new Database(pool, DatabaseUrls.isEmbeddedH2File(url), DatabaseUrls.isEmbeddedH2(url));
    }

    /** H2's "database already open" (90020): another process holds the embedded database's file. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    /** Whether {@code failure} says an embedded H2 file is held by another process (H2 lets one process open it). */
    public static boolean inUseByAnotherProcess(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the migrations are: the portable ones, plus on PostgreSQL the PostgreSQL-only ones of cluster mode
     * ({@code db/postgresql}: the replicas, locks and leases tables, Quartz's JDBC job store).
     */
    public static String[] migrationLocations(String url) {
        return DatabaseUrls.isPostgres(url) ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                : new String[] {"classpath:db/migration"};
    }

    /** The pool, for the PostgreSQL-only parts of cluster mode (locks, leases) that keep their own SQL. */
    public javax.sql.DataSource dataSource() {
        return pool;
    }

    /** Whether this is a PostgreSQL database (cluster mode needs one). */
    public boolean isPostgres() {
        return DatabaseUrls.isPostgres(pool.getJdbcUrl());
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
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
            throw new DatabaseException("cannot " + what + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * As {@link #inTransaction}, and the commit is in the database file when this returns, even on an embedded H2
     * file whose commits are otherwise written within {@link DatabaseUrls#H2_WRITE_DELAY_MS} ms: for a write that is
     * acknowledged to someone (a launch's row before its 202) and must survive a kill -9 right after.
     * PostgreSQL's commit is durable already.
     */
    public <T> T inDurableTransaction(String what, Work<T> work) {
        T result = inTransaction(what, work);
        sync(what);
        return result;
    }

    /**
     * Makes every transaction committed before this call durable (see {@link #inDurableTransaction}). On an embedded
     * H2 file, one {@code CHECKPOINT} (a chunk written to the file) at a time serves every caller that committed
     * before it began (group commit): callers arriving while one runs share the next, so eight writers at once pay
     * for about one chunk, not eight. Nothing to do elsewhere.
     */
    public void sync(String what) {
        if (!delayedWrites) {
            return;
        }
        long before = checkpointsBegun.get(); // a checkpoint numbered above this one began after our commit
        synchronized (checkpointLock) {
            if (checkpointsDone > before) {
                return; // one that began after our commit has written it
            }
            long number = checkpointsBegun.incrementAndGet();
            try {
                inTransaction(what + " (write it to the file now)", c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("CHECKPOINT"); // H2: commits the store, i.e. writes the pending changes to the file
                    }
                    return null;
                });
            } catch (DatabaseException e) {
                // CHECKPOINT wants an admin user: without one, commits reach the file within WRITE_DELAY as before
                delayedWrites = false;
                LOG.warn("acknowledged rows are written within {} ms, not at once (CHECKPOINT refused: {})",
                        DatabaseUrls.H2_WRITE_DELAY_MS, e.getMessage());
            }
            checkpointsDone = number;
        }
    }

    /**
     * Gives the space that deletes freed back to the file system, while the database stays open: on an embedded H2
     * file, H2's MVStore keeps freed pages inside {@code octoflow.mv.db} (it only moves chunks and truncates the file
     * when it closes, for 200 ms at most), so a purged history shrank only after restarts. This rewrites sparse
     * chunks, moves the live ones to the front and truncates the file, for about {@code maxTime} at most; writers
     * wait meanwhile. H2's retention time (how long freed chunks are kept for crash safety) is 0 meanwhile and set
     * back afterwards. A file under 1 MiB, or whose chunks are mostly live, is left as it is. PostgreSQL (whose
     * autovacuum reuses the space) and in-memory or server H2 databases are left alone.
     *
     * @return the bytes the file shrank by; 0 when it did not or the database is not an embedded H2 file
     */
    public long compact(Duration maxTime) {
        if (!embeddedH2) {
            return 0;
        }
        try (Connection c = pool.getConnection()) {
            if (!(c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal local)
                    || local.getDatabase().getStore() == null) {
                return 0;
            }
            org.h2.mvstore.MVStore mvStore = local.getDatabase().getStore().getMvStore();
            if (!(mvStore.getFileStore() instanceof org.h2.mvstore.RandomAccessStore file)) {
                return 0; // in memory, or a store whose chunks do not move
            }
            long before = file.size();
            if (before < COMPACT_FROM_BYTES || file.getChunksFillRate() >= COMPACT_BELOW_FILL_RATE) {
                return 0; // little to gain: most of a small file is live, or its chunks mostly are
            }
            int retention = mvStore.getRetentionTime();
            long stopAt = System.nanoTime() + maxTime.toNanos();
            mvStore.setRetentionTime(0); // freed chunks may be reused at once: they are synced below first
            try {
                // MVStore.compactFile does these steps without the commit between rewriting and moving, and then
                // trips over its own bookkeeping of the pages it just rewrote (an AssertionError with -ea)
                while (true) {
                    boolean rewritten = mvStore.compact(FILL_RATE_GOAL, COMPACT_STEP_BYTES);
                    mvStore.commit();
                    mvStore.sync();
                    file.compactMoveChunks(100, COMPACT_STEP_BYTES, mvStore);
                    if (!rewritten || System.nanoTime() - stopAt > 0) {
                        break;
                    }
                }
            } finally {
                mvStore.setRetentionTime(retention);
            }
            long after = file.size();
            c.rollback();
            if (before > after) {
                LOG.info("Execution history file compacted: {} KiB -> {} KiB", before / 1024, after / 1024);
            }
            return Math.max(0, before - after);
        } catch (SQLException | RuntimeException ex) {
            // a compaction that cannot run only costs disk space: never fail the purge that asked for it
            LOG.warn("cannot compact the execution history file: {}", rootMessage(ex));
            return 0;
        }
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
        } catch (RuntimeException ex) { // rejected: the database is closed
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
            LOG.debug("Database ping failed", ex);
            return false;
        }
    }

    /** Closes the pool; an embedded H2 database closes with its last connection. */
    @Override
    public void close() {
        pinger.shutdownNow();
        pool.close();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
