package io.octoflow.cluster;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The leader lease: one row of {@code octoflow_leases}, held by one replica until it expires. The holder renews it
 * on every heartbeat for CLUSTER_STALE_SECONDS more; another replica takes it only once it has expired (its holder
 * stopped renewing: killed, frozen or cut from the database). One atomic upsert does both, in the database's clock.
 */
public final class LeaderLease {

    private static final Logger LOG = LogManager.getLogger(LeaderLease.class);
    static final String NAME = "leader";

    private final ClusterNode node;
    private volatile boolean held;

    public LeaderLease(ClusterNode node) {
        this.node = node;
    }

    /** Takes or renews the lease; true when this replica holds it now. A database failure counts as not holding. */
    public boolean tryHold() {
        boolean now;
        try {
            now = node.execute("INSERT INTO octoflow_leases (name, holder, expires_at)"
                    + " VALUES (?, ?, now() + make_interval(secs => ?)) ON CONFLICT (name) DO UPDATE"
                    + " SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at"
                    + " WHERE octoflow_leases.holder = EXCLUDED.holder OR octoflow_leases.expires_at < now()",
                    NAME, node.id(), node.settings().staleSeconds()) == 1;
        } catch (RuntimeException e) {
            LOG.warn("Cannot renew the leader lease: {}", e.getMessage());
            now = false;
        }
        if (now != held) {
            LOG.info(now ? "Replica {} is the leader: Loops, Flow resources and rego's one-time tasks run here"
                    : "Replica {} is no longer the leader", node.id());
        }
        held = now;
        return now;
    }

    public boolean held() {
        return held;
    }

    /** Gives the lease up at a clean stop, so that another replica takes it at its next beat. */
    public void release() {
        if (held) {
            try {
                node.execute("DELETE FROM octoflow_leases WHERE name = ? AND holder = ?", NAME, node.id());
            } catch (RuntimeException e) {
                LOG.warn("Cannot give the leader lease up: {}", e.getMessage());
            }
            held = false;
        }
    }
}
