package io.octoflow.launch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.QueuedLaunch;
import io.octoflow.metrics.FlowMetrics;

/**
 * Keeps the execution history true across starts and stops: rows a killed process left {@code running} are marked
 * aborted at start, rows of this process still running at the end of a stop likewise, and runs older than
 * HISTORY_RETENTION_DAYS are purged at start and then every hour (route {@code octoflow-history-purge}).
 * <p>
 * In cluster mode the history is shared and each running or queued row names its replica: only the rows of a dead
 * replica (one that owns such rows and whose heartbeat stopped) are this replica's business, at start and on every
 * heartbeat. Its running rows are marked aborted, its queued launches taken over and queued again here.
 */
public final class HistoryUpkeep extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(HistoryUpkeep.class);
    private static final String STOPPED = "Octoflow stopped while the run was going";

    private final ExecutionRepository store;
    private final int retentionDays;
    /** Cluster mode: this replica's id (null: single node, every row is this process's). */
    private volatile String replica;
    /** Cluster mode: the ids of the replicas whose heartbeat is fresh. */
    private volatile Supplier<Set<String>> liveReplicas;
    /** Set once the flows are deployed, cleared when the stop begins: where taken-over launches are queued. */
    private Launcher launcher;
    private Function<String, Optional<LaunchTarget>> targets;

    public HistoryUpkeep(ExecutionRepository store, int retentionDays) {
        this.store = store;
        this.retentionDays = retentionDays;
    }

    /**
     * Cluster mode: the other replicas' rows are theirs while they live. Start and stop only touch this replica's
     * rows ({@code replica}); those of a replica missing from {@code liveReplicas} are taken over.
     */
    public void sharedWithOtherReplicas(String replica, Supplier<Set<String>> liveReplicas) {
        this.liveReplicas = liveReplicas;
        this.replica = replica;
    }

    /** Before anything runs: the previous process's leftovers, old rows, and the last successes for the metrics. */
    public void atStart(FlowMetrics metrics) {
        // cluster mode: this replica's id is new, it has no leftovers; dead replicas' are taken over by requeue
        int aborted = replica != null ? 0 : store.markRunningAborted(STOPPED);
        if (aborted > 0) {
            LOG.warn("{} run(s) left running by a previous process marked aborted", aborted);
        }
        purge();
        store.lastSuccesses().forEach(last -> metrics.lastSuccess(last.flowName(),
                last.flowPath() != null ? last.flowPath() : last.flowName(), last.ended()));
    }

    /**
     * At start, once the flows are deployed: single node, every {@code queued} row waits again; cluster mode, the
     * rows of dead replicas are taken over, now and on every later {@link #takeOverDeadReplicas()}.
     */
    public void requeueLeftovers(Launcher launcher, Function<String, Optional<LaunchTarget>> targets) {
        if (replica == null) {
            launcher.requeue(targets);
            return;
        }
        synchronized (this) {
            this.launcher = launcher;
            this.targets = targets;
        }
        takeOverDeadReplicas();
    }

    /**
     * Cluster mode, on every heartbeat: for each replica that owns running or queued rows and is not alive, its
     * running rows become aborted and its queued launches this replica's (each row goes to exactly one replica),
     * queued again here in their order.
     */
    public synchronized void takeOverDeadReplicas() {
        if (replica == null || launcher == null) {
            return;
        }
        // owners first: a replica that wrote a row had joined before, so it is in the live set read after if alive
        Set<String> owners = store.replicasWithUnfinishedRuns();
        if (owners.isEmpty()) {
            return;
        }
        Set<String> live = liveReplicas.get();
        List<QueuedLaunch> taken = new ArrayList<>();
        for (String owner : owners) {
            if (owner.equals(replica) || live.contains(owner)) {
                continue;
            }
            int aborted = store.markRunningAborted(owner, "replica " + owner + " stopped answering (no heartbeat"
                    + " for CLUSTER_STALE_SECONDS): the run was cut short");
            if (aborted > 0) {
                LOG.warn("{} run(s) of replica {}, which stopped answering, marked aborted", aborted, owner);
            }
            List<QueuedLaunch> rows = store.takeQueued(owner, replica);
            if (!rows.isEmpty()) {
                LOG.warn("{} launch(es) queued on replica {}, which stopped answering, taken over", rows.size(), owner);
                taken.addAll(rows);
            }
        }
        taken.sort(Comparator.comparing(q -> q.execution().startedAt()));
        launcher.requeue(taken, targets);
    }

    /** The stop begins: launches of dead replicas are left to the replicas that stay. */
    public synchronized void stopTakingOver() {
        launcher = null;
    }

    /** After the launcher stopped: a run that did not end even once aborted is recorded aborted. */
    public void atStop() {
        try {
            int aborted = replica == null ? store.markRunningAborted(STOPPED)
                    : store.markRunningAborted(replica, STOPPED);
            if (aborted > 0) {
                LOG.warn("{} run(s) still going at the stop marked aborted", aborted);
            }
        } catch (RuntimeException e) {
            // the database is gone: the next start (or another replica) marks these runs aborted; the stop goes on
            LOG.warn("cannot mark running executions aborted: {}", e.getMessage());
        }
    }

    /** A long-lived service purges old runs every hour, not only at start. */
    @Override
    public void configure() {
        from("timer:octoflow-history-purge?delay=3600000&period=3600000").routeId("octoflow-history-purge")
                .process(exchange -> purge()).id("octoflow-history-purge:purge");
    }

    private void purge() {
        int purged = store.purgeOlderThan(retentionDays);
        if (purged > 0) {
            LOG.info("{} execution(s) older than {} days purged", purged, retentionDays);
        }
    }
}
