package io.octoflow.service;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.api.ApiRoutes;
import io.octoflow.api.SpoolerApiRoutes;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.execution.FlowEngine;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.health.HealthChecks;
import io.octoflow.history.ExecutionStore;
import io.octoflow.jmx.FlowMBeans;
import io.octoflow.kubernetes.KubernetesWatch;
import io.octoflow.lock.FileLockRepository;
import io.octoflow.logging.ServiceLogs;
import io.octoflow.metrics.Metrics;
import io.octoflow.route.OctoflowCamelContext;
import io.octoflow.task.TaskFlows;
import io.octoflow.task.TaskService;
import io.octoflow.task.TaskStore;
import io.octoflow.watch.DirectoryWatcher;

/**
 * The long-lived service: the engine with every flow of FLOWS_PATH deployed and watched, Quartz schedules, the
 * file locks, the execution history and the REST API, in one Camel context. {@link #close()} stops the
 * triggers, lets running flows finish for up to 30 s, then aborts and records them.
 */
public final class OctoflowService implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(OctoflowService.class);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final OctoflowConfig config;
    private CamelContext camel;
    private FlowEngine engine;
    private ExecutionStore store;
    private FileLockRepository locks;
    private Launcher launcher;
    private Scheduler scheduler;
    private FlowDirectory directory;
    private DirectoryWatcher watcher;
    private ApiToken token;
    private ApiServer apiServer;
    private Metrics metrics;
    private ServiceLogs logs;
    private FlowOperations operations;
    private TaskService tasks;
    private FlowMBeans mbeans;
    private KubernetesWatch kubernetes;
    private Duration shutdownGrace = SHUTDOWN_GRACE;
    private volatile boolean ready;
    private volatile boolean stopped;

    public OctoflowService(OctoflowConfig config) {
        this.config = config;
    }

    public synchronized void start() throws Exception {
        org.apache.logging.log4j.core.config.Configurator.setRootLevel(
                org.apache.logging.log4j.Level.toLevel(config.logLevel(), org.apache.logging.log4j.Level.INFO));
        Files.createDirectories(config.dataPath());
        Files.createDirectories(config.lockPath());
        token = ApiToken.resolve(config.apiToken(), config.dataPath());

        camel = new OctoflowCamelContext();
        camel.getCamelContextExtension().setName("octoflow");
        // processor MBeans cost about 1 MiB per flow: thousands of flows want RoutesOnly
        var agent = camel.getManagementStrategy().getManagementAgent();
        if (agent != null) {
            agent.setMBeansLevel(org.apache.camel.ManagementMBeansLevel.valueOf(config.jmxMbeansLevel()));
        }
        camel.getShutdownStrategy().setTimeout(SHUTDOWN_GRACE.toSeconds());
        metrics = new Metrics(camel);
        engine = new FlowEngine(config, camel);
        // the service's own secrets join the flows' in the masker, which every log line goes through
        for (String secret : new String[] {token.value(), config.metricsToken(), config.dbPassword(),
            config.apiKeystorePassword(), config.vaultToken()}) {
            engine.masker().register(secret);
        }
        logs = ServiceLogs.install(config, engine.masker());

        store = ExecutionStore.open(config.dbUrl(), config.dbUser(), config.dbPassword());
        int aborted = store.markRunningAborted("Octoflow stopped while the run was going");
        if (aborted > 0) {
            LOG.warn("{} run(s) left running by a previous process marked aborted", aborted);
        }
        int purged = store.purgeOlderThan(config.historyRetentionDays());
        if (purged > 0) {
            LOG.info("{} execution(s) older than {} days purged", purged, config.historyRetentionDays());
        }
        store.lastSuccesses().forEach(last -> metrics.flows().lastSuccess(last.flowName(),
                last.flowPath() != null ? last.flowPath() : last.flowName(), last.ended()));

        locks = new FileLockRepository(config.lockPath());
        locks.setExecutionIdProperty(Launcher.EXECUTION_ID);
        locks.start(); // removes the lock files a killed process left, one log line each
        metrics.flows().locksHeld(locks::count);

        // health, metrics and Jolokia answer from here on; ready once the flows are loaded
        HealthChecks.install(camel, () -> ready, () -> store.ping());
        apiServer = new ApiServer(config);
        apiServer.start(camel);
        apiServer.startManagement(camel, token);
        metrics.serve(camel);

        ExecutionRecorder recorder = new ExecutionRecorder(store, engine.masker(), metrics.flows());
        launcher = new Launcher(engine, locks, recorder, 16);
        camel.addRoutes(launcher);
        scheduler = new Scheduler(camel, launcher, config.timezone(), path -> directory.flowAt(path),
                metrics.flows());
        directory = new FlowDirectory(engine, scheduler, new DirectoryEvents());
        operations = new FlowOperations(directory, scheduler, launcher, locks, store);
        mbeans = new FlowMBeans(operations, config.timezone());
        operations.restorePaused();
        directory.loadAll();
        operations.adoptPausedNames();
        autostart();
        tasks = new TaskService(new TaskStore(store), new TaskFlows(config.dataPath().resolve("tasks"),
                config.taskTimeout()), directory, scheduler, launcher, store);
        tasks.start();
        scheduler.catchUp(store);

        camel.addRoutes(new ApiRoutes(this));
        camel.addRoutes(new SpoolerApiRoutes(this)); // the spooler's /api/v1 jobs, schedules, logs
        camel.addRoutes(historyPurge());

        watcher = new DirectoryWatcher(config.flowsPath(), FlowDirectory::isFlowFile, directory);
        watcher.start();
        if (config.kubernetesWatch()) { // Flow resources deploy as flows, Loop resources as timer routes
            kubernetes = KubernetesWatch.start(engine, directory, recorder, metrics.registry());
        }
        ready = true;
        LOG.info("Octoflow API on {} (docs: /api/docs); API token {}", String.join(" and ", apiServer.urls()),
                token.file() != null ? "in " + token.file() : "from API_TOKEN");
    }

    /** What the flows directory deploys shows in the metrics and as MBeans. */
    private final class DirectoryEvents implements FlowDirectory.Events {
        @Override
        public void file(String path, boolean valid) {
            metrics.flows().fileValidity(path, valid);
        }

        @Override
        public void fileRemoved(String path) {
            metrics.flows().fileRemoved(path);
        }

        @Override
        public void flowDeployed(FlowDefinition flow) {
            mbeans.register(flow);
        }

        @Override
        public void flowRemoved(FlowDefinition flow) {
            mbeans.unregister(flow.path());
            metrics.flows().flowRemoved(flow.path());
        }
    }

    private void autostart() {
        try {
            for (Autostart entry : Autostart.read(config.configFile())) {
                directory.byPath(entry.path()).map(Deployment::flow).ifPresentOrElse(flow -> {
                    String cron = entry.cron() != null || entry.everySeconds() != null ? entry.cron() : flow.cron();
                    Long every = entry.cron() != null || entry.everySeconds() != null ? entry.everySeconds()
                            : flow.everySeconds();
                    if (cron == null && every == null) {
                        LOG.warn("{}: autostart '{}' has no schedule (no cron or every_seconds); only scheduled"
                                + " flows are added", config.configFile(), entry.path());
                        return;
                    }
                    if (entry.cron() == null && entry.everySeconds() == null) {
                        return; // the flow's own schedule is already running
                    }
                    try {
                        // as on the spooler, an every_seconds entry first runs one interval after the start
                        scheduler.addFiringAfterOneInterval(Scheduler.entry(UUID.randomUUID().toString(), flow,
                                "config", cron, every, entry.timeoutSeconds()));
                    } catch (Exception e) {
                        LOG.warn("{}: autostart '{}': {}", config.configFile(), entry.path(), e.getMessage());
                    }
                }, () -> LOG.warn("{}: autostart '{}' is not a valid flow in FLOWS_PATH", config.configFile(),
                        entry.path()));
            }
        } catch (Exception e) {
            LOG.warn("CONFIG_FILE {} ignored: {}", config.configFile(), e.getMessage());
        }
    }

    /** A long-lived service purges old runs every hour, not only at start. */
    private org.apache.camel.builder.RouteBuilder historyPurge() {
        return new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("timer:octoflow-history-purge?delay=3600000&period=3600000").routeId("octoflow-history-purge")
                        .process(exchange -> {
                            int purged = store.purgeOlderThan(config.historyRetentionDays());
                            if (purged > 0) {
                                LOG.info("{} execution(s) older than {} days purged", purged,
                                        config.historyRetentionDays());
                            }
                        }).id("octoflow-history-purge:purge");
            }
        };
    }

    /** Stops triggers, lets running flows finish (up to 30 s), aborts the rest, releases every lock. */
    @Override
    public synchronized void close() {
        if (stopped || camel == null) {
            return;
        }
        stopped = true;
        ready = false;
        LOG.info("Octoflow stopping");
        if (kubernetes != null) {
            kubernetes.close();
        }
        try {
            if (watcher != null) {
                watcher.close();
            }
            scheduler.stopFiring();
            for (ScheduleEntry entry : scheduler.entries()) {
                camel.getRouteController().stopRoute(Scheduler.routeId(entry.id()));
            }
        } catch (Exception e) {
            LOG.warn("stopping the schedules: {}", e.getMessage());
        }
        if (launcher != null) { // null when the start failed before (a taken API_PORT)
            launcher.shutdown(shutdownGrace);
        }
        apiServer.stop();
        engine.close();
        if (scheduler != null) {
            scheduler.shutdown();
        }
        int released = locks.releaseAll();
        if (released > 0) {
            LOG.info("{} lock(s) released", released);
        }
        try {
            store.markRunningAborted("Octoflow stopped while the run was going");
        } catch (RuntimeException e) {
            // the database is gone: the next start marks these runs aborted; the rest of the stop goes on
            LOG.warn("cannot mark running executions aborted: {}", e.getMessage());
        }
        store.close();
        if (mbeans != null) {
            mbeans.close();
        }
        metrics.close();
        LOG.info("Octoflow stopped");
        logs.close();
    }

    /** How long {@link #close()} lets running flows finish (30 s; tests shorten it). */
    void shutdownGrace(Duration grace) {
        this.shutdownGrace = grace;
    }

    /** The flows are loaded and the database answers: what {@code /health/ready} says. */
    public boolean ready() {
        return ready && store.ping();
    }

    public OctoflowConfig config() {
        return config;
    }

    public FlowEngine engine() {
        return engine;
    }

    public ExecutionStore store() {
        return store;
    }

    public FileLockRepository locks() {
        return locks;
    }

    /** rego's tasks: flows with one k8s_job step, defined over /api/v1/task. */
    public TaskService tasks() {
        return tasks;
    }

    public Launcher launcher() {
        return launcher;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public FlowDirectory directory() {
        return directory;
    }

    public ApiToken token() {
        return token;
    }

    public CamelContext camel() {
        return camel;
    }

    public FlowOperations operations() {
        return operations;
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * The deployed flow {@code reference} names: a path, or a name only one deployed flow has; null when none.
     *
     * @throws AmbiguousFlowException when several deployed flows have that name
     */
    public FlowDefinition findFlow(String reference) {
        return directory.find(reference);
    }

    /** @deprecated flows are identified by path: {@link #findFlow(String)}, which this now is. */
    @Deprecated
    public FlowDefinition flowNamed(String name) {
        return directory.find(name);
    }

    public List<Deployment> deployments() {
        return directory.deployments();
    }
}
