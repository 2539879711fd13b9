package io.octoflow.lock;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The lock store of cluster mode: one row per locked flow in PostgreSQL's {@code octoflow_locks} (migration
 * {@code db/postgresql/V7}), shared by every replica, so a flow runs once at a time across all of them and an API
 * launch on one replica gets 409 while another runs the flow.
 * <p>
 * The primary key is the lock: {@code INSERT ... ON CONFLICT DO NOTHING} takes it atomically. Each row names its
 * owner (the execution id), the replica that took it, that replica's host and pid. A lock is stale when its
 * replica's heartbeat in {@code octoflow_replicas} (written by {@code io.octoflow.cluster.ClusterNode}) is older
 * than the stale interval, in the database's own clock: {@link #removeStale()} (run on every heartbeat) deletes such
 * locks, and a take that finds one removes it and takes the lock at once.
 */
public final class JdbcLockStore implements LockStore {

    private static final Logger LOG = LogManager.getLogger(JdbcLockStore.class);

    /** The rows whose replica is alive: its heartbeat is newer than the stale interval (seconds, the parameter). */
    private static final String LIVE_REPLICA = "EXISTS (SELECT 1 FROM octoflow_replicas r WHERE r.id = l.replica"
            + " AND r.heartbeat > now() - make_interval(secs => ?))";

    private final DataSource database;
    private final String replica;
    private final int staleSeconds;
    private final AtomicBoolean opened = new AtomicBoolean();

    /**
     * @param replica      this replica's id, as in {@code octoflow_replicas}
     * @param staleSeconds a lock whose replica's heartbeat is older than this is stale
     */
    public JdbcLockStore(DataSource database, String replica, int staleSeconds) {
        this.database = database;
        this.replica = replica;
        this.staleSeconds = staleSeconds;
    }

    @Override
    public void open() {
        if (opened.compareAndSet(false, true)) {
            removeStale();
        }
    }

    @Override
    public boolean take(String flow, String owner) {
        if (insert(flow, owner)) {
            return true;
        }
        // held: when its replica is dead, the lock is stale and this take may have it at once
        int removed = update("remove the stale lock of flow '" + flow + "'",
                "DELETE FROM octoflow_locks l WHERE flow = ? AND NOT " + LIVE_REPLICA, flow, staleSeconds);
        if (removed == 0) {
            return false;
        }
        LOG.info("Removed stale lock of flow '{}': its replica stopped its heartbeat", flow);
        return insert(flow, owner);
    }

    private boolean insert(String flow, String owner) {
        return update("take the lock of flow '" + flow + "'",
                "INSERT INTO octoflow_locks (flow, execution, replica, host, pid) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (flow) DO NOTHING",
                flow, owner, replica, ThisProcess.HOST, ThisProcess.PID) == 1;
    }

    @Override
    public boolean release(String flow, String owner) {
        boolean released = update("release the lock of flow '" + flow + "'",
                "DELETE FROM octoflow_locks WHERE flow = ? AND execution IS NOT DISTINCT FROM ?", flow, owner) == 1;
        if (!released && isHeld(flow)) {
            LOG.info("Lock of flow '{}' left in place: another execution than {} holds it now", flow, owner);
        }
        return released;
    }

    @Override
    public boolean forceRelease(String flow) {
        boolean released = update("release the lock of flow '" + flow + "'",
                "DELETE FROM octoflow_locks WHERE flow = ?", flow) == 1;
        if (released) {
            LOG.info("Lock of flow '{}' released", flow);
        }
        return released;
    }

    /** Releases every lock, of every replica (an operator's {@code DELETE /api/locks}). */
    @Override
    public int releaseAll() {
        return update("release every lock", "DELETE FROM octoflow_locks");
    }

    /** Releases the locks this replica took (its clean stop); the other replicas' locks stay. */
    @Override
    public int releaseHeldHere() {
        return update("release this replica's locks", "DELETE FROM octoflow_locks WHERE replica = ?", replica);
    }

    @Override
    public boolean isHeld(String flow) {
        return get(flow).isPresent();
    }

    @Override
    public Optional<LockInfo> get(String flow) {
        List<LockInfo> found = query("SELECT flow, pid, host, since, execution FROM octoflow_locks WHERE flow = ?",
                flow);
        return found.stream().findFirst();
    }

    @Override
    public List<LockInfo> list() {
        return query("SELECT flow, pid, host, since, execution FROM octoflow_locks ORDER BY flow");
    }

    @Override
    public int count() {
        return inConnection("count the locks", c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM octoflow_locks");
                    ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** Removes the locks of replicas whose heartbeat stopped (one log line each). */
    @Override
    public int removeStale() {
        return inConnection("remove stale locks", c -> {
            int removed = 0;
            try (PreparedStatement st = c.prepareStatement("DELETE FROM octoflow_locks l WHERE NOT " + LIVE_REPLICA
                    + " RETURNING flow, replica, host, pid")) {
                st.setInt(1, staleSeconds);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        removed++;
                        LOG.info("Removed stale lock of flow '{}': replica {} (pid {} on {}) stopped its heartbeat",
                                rs.getString(1), rs.getString(2), rs.getLong(4), rs.getString(3));
                    }
                }
            }
            return removed;
        });
    }

    private List<LockInfo> query(String sql, Object... parameters) {
        return inConnection("read the locks", c -> {
            List<LockInfo> locks = new ArrayList<>();
            try (PreparedStatement st = prepare(c, sql, parameters); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    locks.add(new LockInfo(rs.getString(1), rs.getLong(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), null, rs.getString(5)));
                }
            }
            return locks;
        });
    }

    private int update(String what, String sql, Object... parameters) {
        return inConnection(what, c -> {
            try (PreparedStatement st = prepare(c, sql, parameters)) {
                return st.executeUpdate();
            }
        });
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            st.setObject(i + 1, parameters[i]);
        }
        return st;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One short transaction; a failure is a runtime exception, so that a launch whose lock cannot be taken fails. */
    private <T> T inConnection(String what, Work<T> work) {
        try (Connection c = database.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                T result = work.run(c);
                if (!autoCommit) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    c.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + " in the database: " + e.getMessage()
                    + " (SQL state " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcLockStore[replica " + replica + "]";
    }
}
