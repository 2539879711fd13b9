package io.octoflow.launch;

import org.apache.camel.builder.RouteBuilder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.history.ExecutionRepository;
import io.octoflow.metrics.FlowMetrics;

/**
 * Keeps the execution history true across starts and stops: rows a killed process left {@code running} are marked
 * aborted at start, rows of this process still running at the end of a stop likewise, and runs older than
 * HISTORY_RETENTION_DAYS are purged at start and then every hour (route {@code octoflow-history-purge}).
 */
public final class HistoryUpkeep extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(HistoryUpkeep.class);
    private static final String STOPPED = "Octoflow stopped while the run was going";

    private final ExecutionRepository store;
    private final int retentionDays;
    /**
     * Cluster mode: the history is shared, and a row {@code running} may be another replica's live run, so
     * neither a start nor a stop marks running rows aborted.
     */
    private volatile boolean shared;

    public HistoryUpkeep(ExecutionRepository store, int retentionDays) {
        this.store = store;
        this.retentionDays = retentionDays;
    }

    /** Cluster mode: the other replicas' running rows are theirs; start and stop leave running rows alone. */
    public void sharedWithOtherReplicas() {
        this.shared = true;
    }

    /** Before anything runs: the previous process's leftovers, old rows, and the last successes for the metrics. */
    public void atStart(FlowMetrics metrics) {
        int aborted = shared ? 0 : store.markRunningAborted(STOPPED);
        if (aborted > 0) {
            LOG.warn("{} run(s) left running by a previous process marked aborted", aborted);
        }
        purge();
        store.lastSuccesses().forEach(last -> metrics.lastSuccess(last.flowName(),
                last.flowPath() != null ? last.flowPath() : last.flowName(), last.ended()));
    }

    /** After the launcher stopped: a run that did not end even once aborted is recorded aborted. */
    public void atStop() {
        if (shared) {
            return;
        }
        try {
            int aborted = store.markRunningAborted(STOPPED);
            if (aborted > 0) {
                LOG.warn("{} run(s) still going at the stop marked aborted", aborted);
            }
        } catch (RuntimeException e) {
            // the database is gone: the next start marks these runs aborted; the rest of the stop goes on
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
