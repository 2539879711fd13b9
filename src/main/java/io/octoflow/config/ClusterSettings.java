package io.octoflow.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * Cluster mode (CLUSTER=true, DB_URL a PostgreSQL): several replicas share the history, the schedules (Quartz's
 * clustered JDBC job store), the flow locks and a leader lease, all in that database.
 *
 * @param enabled          CLUSTER
 * @param heartbeatSeconds CLUSTER_HEARTBEAT_SECONDS: how often a replica says it is alive (also Quartz's cluster
 *                         check-in interval)
 * @param staleSeconds     CLUSTER_STALE_SECONDS: a replica silent this long is dead; its locks are removed and
 *                         its leader lease taken over
 * @param quartzThreads    CLUSTER_QUARTZ_THREADS: Quartz's threads (each hands a fire to the launcher and returns)
 */
public record ClusterSettings(boolean enabled, int heartbeatSeconds, int staleSeconds, int quartzThreads) {

    static ClusterSettings from(Function<String, String> lookup) {
        int heartbeat = OctoflowConfig.positiveInt(lookup, "CLUSTER_HEARTBEAT_SECONDS", 2);
        int stale = OctoflowConfig.positiveInt(lookup, "CLUSTER_STALE_SECONDS", 10);
        if (stale <= heartbeat) {
            throw new IllegalArgumentException("CLUSTER_STALE_SECONDS: expected more than CLUSTER_HEARTBEAT_SECONDS ("
                    + heartbeat + "), got " + stale);
        }
        String cluster = lookup.apply("CLUSTER");
        String flag = cluster == null || cluster.isBlank() ? "false" : cluster.trim().toLowerCase(Locale.ROOT);
        if (!flag.equals("true") && !flag.equals("false")) {
            throw new IllegalArgumentException("CLUSTER: expected true or false, got '" + cluster + "'");
        }
        return new ClusterSettings(Boolean.parseBoolean(flag), heartbeat, stale,
                OctoflowConfig.positiveInt(lookup, "CLUSTER_QUARTZ_THREADS", 10));
    }
}
