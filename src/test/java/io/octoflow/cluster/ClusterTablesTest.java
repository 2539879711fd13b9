package io.octoflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.octoflow.config.ClusterSettings;
import io.octoflow.database.Database;
import io.octoflow.lock.JdbcLockStore;
import io.octoflow.lock.LockInfo;
import io.octoflow.support.FreshPostgresDatabase;

/**
 * Cluster mode's tables on a real PostgreSQL, migrated by Flyway as a replica does it: the shared lock store (one
 * lock across replicas, release by owner, a dead replica's locks recovered), the heartbeat and the leader lease.
 */
class ClusterTablesTest {

    private static final ClusterSettings SETTINGS = new ClusterSettings(true, 1, 5, 4);

    private FreshPostgresDatabase database;
    private Database db;
    private ClusterNode one;
    private ClusterNode two;

    @BeforeEach
    void freshDatabase() throws Exception {
        database = FreshPostgresDatabase.create("octoflow_tables");
        db = database.open();
        one = new ClusterNode(db.dataSource(), SETTINGS);
        two = new ClusterNode(db.dataSource(), SETTINGS);
        one.beat();
        two.beat();
    }

    @AfterEach
    void drop() throws Exception {
        db.close();
        database.close();
    }

    @Test
    void oneLockAcrossReplicasReleasedOnlyByItsOwner() {
        JdbcLockStore a = new JdbcLockStore(db.dataSource(), one.id(), SETTINGS.staleSeconds());
        JdbcLockStore b = new JdbcLockStore(db.dataSource(), two.id(), SETTINGS.staleSeconds());
        a.open();
        b.open();

        assertThat(a.take("flows/x.yml", "run-1")).isTrue();
        assertThat(b.take("flows/x.yml", "run-2")).as("held by the other replica").isFalse();
        assertThat(a.take("flows/x.yml", "run-3")).as("held, whoever asks").isFalse();
        assertThat(b.isHeld("flows/x.yml")).isTrue();
        LockInfo lock = b.get("flows/x.yml").orElseThrow();
        assertThat(lock.execution()).isEqualTo("run-1");
        assertThat(lock.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(lock.since()).isNotNull();

        assertThat(b.release("flows/x.yml", "run-2")).as("not its owner").isFalse();
        assertThat(a.release("flows/x.yml", "run-1")).isTrue();
        assertThat(b.take("flows/x.yml", "run-2")).isTrue();
        assertThat(a.list()).extracting(LockInfo::flow).containsExactly("flows/x.yml");
        assertThat(a.count()).isEqualTo(1);

        // a replica's clean stop releases its own locks only
        assertThat(a.take("flows/y.yml", "run-4")).isTrue();
        assertThat(a.releaseHeldHere()).isEqualTo(1);
        assertThat(b.isHeld("flows/x.yml")).isTrue();
        // an operator's DELETE /api/locks releases them all
        assertThat(a.forceRelease("flows/x.yml")).isTrue();
        assertThat(b.take("flows/z.yml", null)).isTrue();
        assertThat(a.releaseAll()).isEqualTo(1);
        assertThat(a.count()).isZero();
    }

    @Test
    void theLocksOfAReplicaWhoseHeartbeatStoppedAreTakenOver() {
        JdbcLockStore a = new JdbcLockStore(db.dataSource(), one.id(), SETTINGS.staleSeconds());
        JdbcLockStore b = new JdbcLockStore(db.dataSource(), two.id(), SETTINGS.staleSeconds());
        assertThat(a.take("f1", "run-1")).isTrue();
        assertThat(a.take("f2", "run-2")).isTrue();
        assertThat(b.removeStale()).as("replica one is alive").isZero();
        assertThat(b.take("f1", "run-3")).isFalse();

        // replica one dies: its heartbeat is older than the stale interval
        one.execute("UPDATE octoflow_replicas SET heartbeat = now() - interval '1 minute' WHERE id = ?", one.id());
        assertThat(b.take("f1", "run-3")).as("a stale lock is taken over at once").isTrue();
        assertThat(b.get("f1").orElseThrow().execution()).isEqualTo("run-3");
        assertThat(b.removeStale()).as("the sweep of every heartbeat").isEqualTo(1);
        assertThat(b.isHeld("f2")).isFalse();
        assertThat(b.isHeld("f1")).isTrue();
    }

    @Test
    void theLeaderLeaseIsHeldByOneReplicaAndTakenOverWhenItExpires() {
        LeaderLease first = new LeaderLease(one);
        LeaderLease second = new LeaderLease(two);
        assertThat(first.tryHold()).isTrue();
        assertThat(second.tryHold()).isFalse();
        assertThat(first.tryHold()).as("renewed").isTrue();

        one.execute("UPDATE octoflow_leases SET expires_at = now() - interval '1 second'");
        assertThat(second.tryHold()).as("expired: taken over").isTrue();
        assertThat(first.tryHold()).isFalse();
        assertThat(first.held()).isFalse();

        second.release();
        assertThat(first.tryHold()).as("given up at a clean stop: free at once").isTrue();
    }

    @Test
    void aLeaderOnlySourceRunsOnlyWhileItsReplicaHoldsTheLease() {
        LeaderLease lease = new LeaderLease(one);
        LeaderLease other = new LeaderLease(two);
        assertThat(other.tryHold()).isTrue();
        int[] started = {0};
        int[] stopped = {0};
        LeaderOnly gated = new LeaderOnly(new io.octoflow.trigger.TriggerSource() {
            @Override
            public String name() {
                return "loops";
            }

            @Override
            public void start() {
                started[0]++;
            }

            @Override
            public void stop() {
                stopped[0]++;
            }
        }, lease, one);
        gated.start();
        assertThat(gated.running()).isFalse();
        assertThat(started[0]).isZero();

        two.execute("UPDATE octoflow_leases SET expires_at = now() - interval '1 second'");
        lease.tryHold();
        gated.follow();
        assertThat(gated.running()).isTrue();
        assertThat(started[0]).isEqualTo(1);

        gated.stop();
        assertThat(stopped[0]).isEqualTo(1);
    }
}
