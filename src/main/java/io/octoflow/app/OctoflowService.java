package io.octoflow.app;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.ManagementMBeansLevel;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;

import io.octoflow.api.ApiDependencies;
import io.octoflow.api.ApiRoutes;
import io.octoflow.api.ApiServer;
import io.octoflow.api.ApiToken;
import io.octoflow.api.SpoolerApiRoutes;
import io.octoflow.console.ConsoleRoutes;
import io.octoflow.console.ConsoleSessions;
import io.octoflow.cluster.ClusterNode;
import io.octoflow.cluster.ClusterQuartz;
import io.octoflow.cluster.LeaderLease;
import io.octoflow.cluster.LeaderOnly;
import io.octoflow.config.ApiProtocol;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.health.HealthChecks;
import io.octoflow.database.Database;
import io.octoflow.datasource.Datasources;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.JdbcExecutionRepository;
import io.octoflow.history.JdbcPausedFlowStore;
import io.octoflow.history.PausedFlowStore;
import io.octoflow.jmx.FlowMBeans;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.launch.ExecutionRecorder;
import io.octoflow.launch.HistoryUpkeep;
import io.octoflow.launch.Launcher;
import io.octoflow.lock.FileLockStore;
import io.octoflow.lock.JdbcLockStore;
import io.octoflow.lock.LockStore;
import io.octoflow.resource.KubernetesWatch;
import io.octoflow.logging.ServiceLogs;
import io.octoflow.metrics.FlowMetrics;
import io.octoflow.metrics.Metrics;
import io.octoflow.operations.DeployedFlowOperations;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.FlowValidator;
import io.octoflow.route.CamelCliConnector;
import io.octoflow.route.OctoflowCamelContext;
import io.octoflow.schedule.ApiSchedules;
import io.octoflow.schedule.Autostart;
import io.octoflow.schedule.JdbcApiScheduleStore;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.Scheduler;
import io.octoflow.service.Deployment;
import io.octoflow.service.DirectorySource;
import io.octoflow.service.FlowDirectory;
import io.octoflow.task.TaskFlows;
import io.octoflow.task.TaskService;
import io.octoflow.task.JdbcTaskRepository;
import io.octoflow.trigger.EventTriggers;
import io.octoflow.trigger.FileTriggerSource;
import io.octoflow.trigger.KafkaTriggerSource;
import io.octoflow.trigger.FlowEndSource;
import io.octoflow.trigger.TriggerSource;
import io.octoflow.trigger.WebhookSource;

/**
 * The composition root: builds the engine, the execution history, the locks, the launch path, the trigger sources
 * and the REST API in one Camel context, and orders their start and stop. It holds no logic of its own; nothing
 * but the command line (and tests) uses it. {@link #close()} stops the trigger sources, lets running flows finish
 * for up to 30 s, then aborts and records them.
 */
public final class OctoflowService implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(OctoflowService.class);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final OctoflowConfig config;
    private CamelContext camel;
    private FlowEngine engine;
    private Database database;
    private ExecutionRepository store;
    private PausedFlowStore paused;
    private HistoryUpkeep history;
    private LockStore locks;
    private Launcher launcher;
    private Scheduler scheduler;
    private FlowDirectory directory;
    private ApiToken token;
    private ApiServer apiServer;
    private Metrics metrics;
    private ServiceLogs logs;
    private DeployedFlowOperations operations;
    private TaskService tasks;
    private FlowMBeans mbeans;
    /** The flows' event triggers (webhook, file, flow end), following what the flows directory deploys. */
    private EventTriggers triggers;
    /** Cluster mode only: this replica's heartbeat, and the lease of the leader-only sources. */
    private ClusterNode cluster;
    private LeaderLease leaderLease;
    /** Started in this order, stopped in the reverse one. */
    private final List<TriggerSource> sources = new ArrayList<>();
    private Duration shutdownGrace = SHUTDOWN_GRACE;
    private volatile boolean ready;
    private volatile boolean stopped;

    public OctoflowService(OctoflowConfig config) {
        this.config = config;
    }

    public synchronized void start() throws Exception {
        Configurator.setRootLevel(Level.toLevel(config.logLevel(), Level.INFO));
        boolean dataPathCreated = !Files.isDirectory(config.dataPath());
        Files.createDirectories(config.dataPath()); // as on a first start: the service's own directory
        Files.createDirectories(config.lockPath());
        token = ApiToken.resolve(config.apiToken(), config.dataPath());
        camel = camelContext();
        metrics = new Metrics(camel);
        engine = new FlowEngine(config, camel, new KubernetesAccess(config));
        FlowDirectory.startReading(engine); // the flow files are read while the rest starts (FLOW_LOAD_THREADS)
        // the service's own secrets join the flows' in the masker, which every log line goes through
        for (String secret : new String[] {token.value(), config.metricsToken(), config.dbPassword(),
            config.apiKeystorePassword(), config.vaultToken()}) {
            engine.masker().register(secret);
        }
        logs = ServiceLogs.install(config, engine.masker());
        logPaths(dataPathCreated);
        engine.services().secrets().loadAtStart(); // every secret masked from the first run on, not from first use

        database = Database.open(config.dbUrl(), config.dbUser(), config.dbPassword());
        store = new JdbcExecutionRepository(database, JdbcExecutionRepository.DEFAULT_JSON_CAP_BYTES,
                config.historyMaxStepsPerRun(), config.historyWriteQueue(), config.historyWriteBatch());
        paused = new JdbcPausedFlowStore(database);
        history = new HistoryUpkeep(store, config.historyRetentionDays());
        if (config.cluster().enabled()) {
            joinCluster();
        }
        history.atStart(metrics.flows());
        if (cluster == null) {
            locks = new FileLockStore(config.lockPath());
        }
        locks.open(); // removes the locks a killed process (or replica) left, one log line each
        metrics.flows().locksHeld(locks::count);

        // health, metrics and Jolokia answer from here on; ready once the flows are loaded
        HealthChecks.install(camel, () -> ready, () -> database.ping());
        apiServer = new ApiServer(config);
        apiServer.start(camel);
        apiServer.startManagement(camel, token);
        metrics.serve(camel);

        ExecutionRecorder recorder = new ExecutionRecorder(store, engine.masker(), metrics.flows(),
                cluster != null ? cluster.id() : null); // the owner of its running and queued rows
        launcher = new Launcher(engine, locks, recorder, config.launchMaxThreads(), config.queueMaxWaiting());
        camel.addRoutes(launcher);
        triggers = eventTriggers(recorder);
        scheduler = new Scheduler(camel, launcher, config.timezone(), path -> directory.flowAt(path),
                store::lastScheduledFire, metrics.flows(), cluster != null);
        directory = new FlowDirectory(engine, scheduler, new DirectoryEvents());
        ApiSchedules apiSchedules = new ApiSchedules(scheduler, new JdbcApiScheduleStore(database),
                path -> directory.flowAt(path));
        operations = new DeployedFlowOperations(directory, scheduler, apiSchedules, launcher, locks, store, paused,
                engine.catalog(), config.flowTimeoutSeconds());
        mbeans = new FlowMBeans(operations, config.timezone());
        tasks = new TaskService(new JdbcTaskRepository(database), new TaskFlows(config.dataPath().resolve("tasks"),
                config.taskTimeout()), directory, scheduler, launcher, store);

        if (leaderLease != null) {
            tasks.runDueTasksAtStartOnlyWhen(leaderLease::held);
        }
        operations.restorePaused(); // before the first fire
        start(new DirectorySource(config.flowsPath(), directory));
        operations.adoptPausedNames();
        Autostart.addSchedules(config.configFile(), path -> directory.byPath(path).map(Deployment::flow),
                scheduler);
        apiSchedules.restore(); // the schedules added over the API before the restart
        if (cluster != null) {
            cluster.onBeat(apiSchedules::sync); // and those another replica adds or removes
        }
        operations.reportPaused();
        start(tasks);
        start(scheduler); // the fires missed while down, once every schedule is known

        ConsoleSessions sessions = config.console().enabled() ? new ConsoleSessions(config.console().maxSessions(),
                Duration.ofMinutes(config.console().sessionIdleMinutes())) : null;
        ApiDependencies api = new ApiDependencies(operations, tasks, token, engine.masker(),
                FlowValidator.of(config.flowsPath(), config.templatesPath(), config.dataPath(),
                        Datasources.toValidate(config)), config.timezone(),
                config.flowsPath(), config.logPath(), config.apiLimits(), sessions);
        camel.addRoutes(new ApiRoutes(api));
        if (sessions != null) { // the web console at / (docs/CONSOLE.md)
            camel.addRoutes(new ConsoleRoutes(sessions, token::matches, config.apiProtocol() == ApiProtocol.HTTPS));
        }
        camel.addRoutes(new SpoolerApiRoutes(api)); // the spooler's /api/v1 jobs, schedules, logs
        camel.addRoutes(history);
        start(triggers); // webhooks answer, files are taken, flow ends trigger from here on
        if (config.kubernetesWatch()) { // Flow resources deploy as flows, Loop resources launch as loops
            TriggerSource watch = new KubernetesWatch(engine.kubernetes(), config.dataPath(), camel,
                    engine.masker(), directory, store, recorder, launcher, metrics.flows());
            start(leaderLease != null ? new LeaderOnly(watch, leaderLease, cluster) : watch);
        }
        // the launches a killed (or stopped) process admitted to its queues and never ran, now that flows are deployed
        // (cluster mode: those of dead replicas, now and on every heartbeat)
        history.requeueLeftovers(launcher, path -> Optional.ofNullable(directory.flowAt(path)).map(launcher::target));
        ready = true;
        LOG.info("Octoflow API on {} (docs: /api/docs); API token {}", String.join(" and ", apiServer.urls()),
                token.file() != null ? "in " + token.file() : "from API_TOKEN");
        buildScheduledRoutesInBackground();
    }

    /**
     * With FLOW_ROUTES=on-first-run, a cron flow's route would be built by its first fire, making that fire late by
     * the build (a few ms, more for a big flow): once ready, the routes of the cron flows are built on one
     * background thread, one after the other, pausing between two so that a fire needing the engine's lock gets it
     * (a fire that comes first builds its own, as before). An every_seconds flow first fires at once: its fire builds
     * its route, as before.
     */
    private void buildScheduledRoutesInBackground() {
        if (config.flowRoutesAtDeploy()) {
            return;
        }
        List<ScheduleEntry> scheduled = scheduler.entries().stream().filter(entry -> entry.cron() != null).toList();
        if (scheduled.isEmpty()) {
            return;
        }
        Thread builder = new Thread(() -> {
            for (ScheduleEntry entry : scheduled) {
                if (stopped) {
                    return;
                }
                FlowDefinition flow = directory.flowAt(entry.path());
                try {
                    if (flow != null) {
                        engine.route(flow);
                    }
                } catch (RuntimeException e) { // its first fire builds it again and reports the failure there
                    LOG.debug("route of scheduled flow {} not built ahead: {}", entry.path(), e.getMessage());
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "octoflow-cron-routes");
        builder.setDaemon(true);
        builder.start();
    }

    /** One source per trigger kind; the webhook route answers the API's POST /hooks/{path}. */
    private EventTriggers eventTriggers(ExecutionRecorder recorder) throws Exception {
        WebhookSource webhooks = new WebhookSource(launcher, engine.services().secrets(), engine.masker(),
                config.triggers().webhookWaitSeconds(), config.apiLimits().maxResultBytes());
        camel.addRoutes(webhooks);
        FileTriggerSource files = new FileTriggerSource(camel, launcher, engine.services().dataFiles(),
                config.dataPath().resolve("triggers").resolve("files"), config.triggers().filePollMillis(),
                config.stepLimits().fileReadMaxBytes(), cluster != null ? database : null,
                java.time.Duration.ofDays(config.triggers().fileClaimRetentionDays()));
        FlowEndSource flowEnds = new FlowEndSource(launcher, config.triggers().flowChainMaxDepth());
        recorder.onRunEnded(flowEnds);
        KafkaTriggerSource kafka = new KafkaTriggerSource(camel, launcher, engine.services().secrets(),
                config.streams().kafkaBrokers(),
                java.time.Duration.ofMillis(config.triggers().kafkaRetryMillis()),
                config.triggers().kafkaSessionTimeoutMillis());
        return new EventTriggers(List.of(webhooks, files, flowEnds, kafka));
    }

    /**
     * Where everything is, as absolute paths: relative settings (the defaults {@code data}, {@code routes},
     * {@code templates}) resolve against the working directory, which is easy to get wrong from a service manager.
     */
    private void logPaths(boolean dataPathCreated) {
        LOG.info("DATA_PATH {}{}, FLOWS_PATH {}, TEMPLATES_PATH {}, LOCK_PATH {}, LOG_PATH {} (relative settings"
                + " resolve against the working directory {})", config.dataPath(),
                dataPathCreated ? " (did not exist: created)" : "", config.flowsPath(), config.templatesPath(),
                config.lockPath(), config.logPath(), java.nio.file.Path.of("").toAbsolutePath());
        if (!Files.isDirectory(config.flowsPath())) {
            LOG.warn("FLOWS_PATH {} does not exist: created empty and watched; put flow files there, or set"
                    + " FLOWS_PATH to the directory that has them", config.flowsPath());
        }
    }

    /**
     * Cluster mode (CLUSTER=true): this replica's heartbeat row, the lock store and the leader lease in PostgreSQL,
     * and Quartz's clustered JDBC job store as Camel's quartz component.
     */
    private void joinCluster() {
        if (!database.isPostgres()) {
            throw new IllegalStateException("CLUSTER=true needs DB_URL to be a PostgreSQL database"
                    + " (jdbc:postgresql://host:5432/db), got " + io.octoflow.database.DatabaseUrls.redact(
                            config.dbUrl()));
        }
        cluster = new ClusterNode(database.dataSource(), config.cluster());
        cluster.join();
        JdbcLockStore shared = new JdbcLockStore(database.dataSource(), cluster.id(), config.cluster().staleSeconds());
        locks = shared;
        leaderLease = new LeaderLease(cluster);
        leaderLease.tryHold();
        cluster.onBeat(shared::removeStale); // a dead replica's locks go within a beat of it turning stale
        cluster.onBeat(leaderLease::tryHold); // renewed before the leader-only sources follow it
        history.sharedWithOtherReplicas(cluster.id(), cluster::liveReplicas);
        cluster.onBeat(history::takeOverDeadReplicas); // a dead replica's runs aborted, its queued launches run here
        ClusterQuartz.install(camel, config.dbUrl(), config.dbUser(), config.dbPassword(), cluster.id(),
                config.cluster());
    }

    private CamelContext camelContext() {
        CamelContext context = new OctoflowCamelContext();
        context.getCamelContextExtension().setName("octoflow");
        // processor MBeans cost about 1 MiB per flow: thousands of flows want RoutesOnly
        var agent = context.getManagementStrategy().getManagementAgent();
        if (agent != null) {
            agent.setMBeansLevel(ManagementMBeansLevel.valueOf(config.jmxMbeansLevel()));
        }
        context.getShutdownStrategy().setTimeout(SHUTDOWN_GRACE.toSeconds());
        if (config.camelCliConnector()) { // camel get, camel get route (Camel JBang) see this service
            CamelCliConnector.attach(context);
        }
        return context;
    }

    private void start(TriggerSource source) throws Exception {
        source.start();
        sources.add(source);
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
            triggers.deployed(flow);
            metrics.flows().deployed(flow.name(), flow.path(), retryingSteps(flow));
        }

        /** The start-up's flows: their meters are registered on another thread while their schedules are made. */
        @Override
        public void deploying(List<FlowDefinition> flows) {
            metrics.flows().preregister(flows.stream().map(flow -> new FlowMetrics.Deploying(flow.name(),
                    flow.path(), retryingSteps(flow))).toList());
        }

        private List<String> retryingSteps(FlowDefinition flow) {
            return flow.steps().stream().filter(step -> step.retry() != null).map(StepDefinition::name).toList();
        }

        @Override
        public void flowRemoved(FlowDefinition flow) {
            mbeans.unregister(flow.path());
            triggers.removed(flow);
            metrics.flows().flowRemoved(flow.path());
        }
    }

    /** Stops the trigger sources, lets running flows finish (up to 30 s), aborts the rest, releases its locks. */
    @Override
    public synchronized void close() {
        if (stopped || camel == null) {
            return;
        }
        stopped = true;
        ready = false;
        LOG.info("Octoflow stopping");
        for (int i = sources.size() - 1; i >= 0; i--) {
            try {
                sources.get(i).stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping the {}: {}", sources.get(i).name(), e.getMessage());
            }
        }
        if (history != null) {
            history.stopTakingOver();
        }
        if (launcher != null) {
            launcher.shutdown(shutdownGrace);
        }
        if (apiServer != null) {
            apiServer.stop();
        }
        if (engine != null) {
            engine.close();
        }
        if (scheduler != null) {
            scheduler.shutdown();
        }
        if (locks != null) {
            int released = locks.releaseHeldHere();
            if (released > 0) {
                LOG.info("{} lock(s) released", released);
            }
        }
        if (history != null) {
            history.atStop();
        }
        if (store != null) {
            store.close(); // every queued run write in the database before it closes
        }
        if (leaderLease != null) {
            leaderLease.release();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (database != null) {
            database.close();
        }
        if (mbeans != null) {
            mbeans.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("Octoflow stopped");
        if (logs != null) {
            logs.close();
        }
    }

    /** How long {@link #close()} lets running flows finish (30 s; tests shorten it). */
    void shutdownGrace(Duration grace) {
        this.shutdownGrace = grace;
    }

    /** The flows are loaded and the database answers: what {@code /health/ready} says. */
    public boolean ready() {
        Database db = database;
        return ready && db != null && db.ping();
    }

    // The parts below are handed out for tests and, until it takes its dependencies explicitly, to the REST API.

    public OctoflowConfig config() {
        return config;
    }

    public FlowEngine engine() {
        return engine;
    }

    public ExecutionRepository store() {
        return store;
    }

    public PausedFlowStore paused() {
        return paused;
    }

    public Database database() {
        return database;
    }

    public LockStore locks() {
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
     * @throws io.octoflow.service.AmbiguousFlowException when several deployed flows have that name
     */
    public FlowDefinition findFlow(String reference) {
        return directory.find(reference);
    }

    public List<Deployment> deployments() {
        return directory.deployments();
    }
}
