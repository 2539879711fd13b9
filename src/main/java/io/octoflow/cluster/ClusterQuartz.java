package io.octoflow.cluster;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;

import io.octoflow.config.ClusterSettings;

/**
 * Camel's Quartz component of cluster mode: Quartz's JDBC job store on PostgreSQL, clustered. Every replica shares
 * the triggers (tables {@code qrtz_*}, created by Flyway's {@code db/postgresql/V8}); each fire is acquired by one
 * replica under the store's row lock ({@code acquireTriggersWithinLock}: without it one trigger has been seen firing
 * on two nodes), and the triggers a dead replica had acquired are recovered by the others once its check-ins stop.
 * <p>
 * The scheduler is not started with the component: {@code io.octoflow.schedule.Scheduler#start} starts it once
 * every schedule's route is known, so that no shared trigger fires here before its flow is deployed.
 */
public final class ClusterQuartz {

    /** Quartz's name for the data source of the job store. */
    static final String DATA_SOURCE = "octoflow";

    private ClusterQuartz() {
    }

    /** Adds the clustered Quartz component as {@code quartz} to {@code camel}; call before any schedule is added. */
    public static void install(CamelContext camel, String dbUrl, String user, String password, String replicaId,
            ClusterSettings settings) {
        QuartzComponent quartz = new QuartzComponent();
        quartz.setProperties(properties(dbUrl, user, password, replicaId, settings));
        quartz.setAutoStartScheduler(false);
        camel.addComponent("quartz", quartz);
    }

    static Properties properties(String dbUrl, String user, String password, String replicaId,
            ClusterSettings settings) {
        Properties p = new Properties();
        // the same name on every replica: it is the cluster's key in the qrtz_* tables
        p.setProperty("org.quartz.scheduler.instanceName", "Octoflow");
        p.setProperty("org.quartz.scheduler.instanceId", replicaId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.quartzThreads()));
        // several due triggers per trip to the database (50 flows every second are 50 acquisitions a second)
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount",
                Integer.toString(settings.quartzThreads()));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                Long.toString(settings.heartbeatSeconds() * 1000L));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // a fire later than this (a whole cluster down) is a misfire, handled by the trigger's instruction
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        // Quartz's own small HikariCP pool: its threads hold a connection while they acquire, and must not starve
        // the history's pool
        String ds = "org.quartz.dataSource." + DATA_SOURCE + ".";
        p.setProperty(ds + "provider", "hikaricp");
        p.setProperty(ds + "driver", "org.postgresql.Driver");
        p.setProperty(ds + "URL", dbUrl);
        if (user != null) {
            p.setProperty(ds + "user", user);
        }
        if (password != null) {
            p.setProperty(ds + "password", password);
        }
        p.setProperty(ds + "maxConnections", Integer.toString(settings.quartzThreads() + 3));
        return p;
    }
}
