package io.octoflow.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.config.ClusterSettings;

/**
 * This replica in the cluster: its row in {@code octoflow_replicas} (id, host, pid), whose heartbeat it refreshes
 * every CLUSTER_HEARTBEAT_SECONDS on a thread of its own, and the work other parts want done on each beat (the
 * lock store's stale-lock sweep, the leader lease's renewal). Other replicas read the heartbeat to tell whether this
 * one is alive; after a {@code kill -9} it stops, and CLUSTER_STALE_SECONDS later this replica counts as dead.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ClusterNode.class);

    private final DataSource database;
    private final ClusterSettings settings;
    private final String id;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final List<Runnable> onBeat = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService beats;

    public ClusterNode(DataSource database, ClusterSettings settings) {
        this.database = database;
        this.settings = settings;
        this.host = hostName();
        // unique per process, readable in logs and GET /api/locks: host, pid and a random suffix
        this.id = host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** Registers this replica (its first heartbeat) and starts beating. */
    public synchronized void join() {
        beat();
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "octoflow-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(this::beatAndWork, settings.heartbeatSeconds(), settings.heartbeatSeconds(),
                TimeUnit.SECONDS);
        LOG.info("Cluster mode: replica {} joined (heartbeat every {} s, stale after {} s)", id,
                settings.heartbeatSeconds(), settings.staleSeconds());
    }

    /** Runs {@code work} after each heartbeat, on the heartbeat thread (a failure is logged, the beats go on). */
    public void onBeat(Runnable work) {
        onBeat.add(work);
    }

    private void beatAndWork() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("Cluster heartbeat of replica {} failed: {}", id, e.getMessage());
            return;
        }
        for (Runnable work : onBeat) {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("Cluster upkeep failed: {}", e.getMessage());
            }
        }
    }

    /** Refreshes (or, after a long pause that removed it, re-creates) this replica's row. */
    void beat() {
        execute("INSERT INTO octoflow_replicas (id, host, pid) VALUES (?, ?, ?) ON CONFLICT (id)"
                + " DO UPDATE SET heartbeat = now()", id, host, pid);
        // rows of replicas dead for long are of no use to anyone; their locks were swept long before
        execute("DELETE FROM octoflow_replicas WHERE heartbeat < now() - make_interval(secs => ?)",
                Math.max(3600, settings.staleSeconds() * 10));
    }

    /**
     * The ids of the replicas alive now: heartbeat newer than CLUSTER_STALE_SECONDS, in the database's clock (this
     * one included while its beats go through).
     */
    public Set<String> liveReplicas() {
        try (Connection c = database.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT id FROM octoflow_replicas WHERE heartbeat > now() - make_interval(secs => ?)")) {
            st.setInt(1, settings.staleSeconds());
            Set<String> live = new HashSet<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    live.add(rs.getString(1));
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return live;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the live replicas: " + e.getMessage() + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    /** Stops beating and removes this replica's row: a clean stop needs no stale interval to be noticed. */
    @Override
    public synchronized void close() {
        if (beats != null) {
            beats.shutdownNow();
            try {
                beats.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            beats = null;
        }
        try {
            execute("DELETE FROM octoflow_replicas WHERE id = ?", id);
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove replica {} from the cluster: {}", id, e.getMessage());
        }
    }

    int execute(String sql, Object... parameters) {
        try (Connection c = database.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            int count = st.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return count;
        } catch (SQLException e) {
            throw new IllegalStateException("cluster table update failed: " + e.getMessage() + " (SQL state "
                    + e.getSQLState() + ")", e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String name = ManagementFactory.getRuntimeMXBean().getName();
            return name.contains("@") ? name.substring(name.indexOf('@') + 1) : "localhost";
        }
    }
}
