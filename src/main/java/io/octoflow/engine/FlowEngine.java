package io.octoflow.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.datasource.Datasources;
import io.octoflow.execution.ErrorText;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.flow.Problem;
import io.octoflow.history.ExecutionIds;
import io.octoflow.kubernetes.client.CamelKubernetesClient;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.kubernetes.client.KubernetesSecrets;
import io.octoflow.logging.RunContext;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.route.FlowRouteBuilder;
import io.octoflow.secret.Masker;
import io.octoflow.secret.SecretStore;
import io.octoflow.step.StepRegistry;
import io.octoflow.step.StepServices;
import io.octoflow.template.Templates;

/**
 * The engine: one CamelContext holding one route per loaded flow (built on the flow's first run unless
 * FLOW_ROUTES=at-deploy), and the way to run a flow once. Loading a flow validates it and every flow it calls
 * first; nothing invalid ever becomes a route.
 */
public final class FlowEngine implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FlowEngine.class);
    private static final int ROUTES_PER_BATCH = 16;

    private final OctoflowConfig config;
    private final CamelContext camel;
    private final Masker masker = new Masker();
    private final SecretStore secrets;
    private final FlowCatalog catalog;
    private final StepServices services;
    private final ProducerTemplate producer;
    /** Cancels the runs that pass their timeout (the runs go on their callers' threads). */
    private final RunDeadlines deadlines = new RunDeadlines();
    private final KubernetesAccess kubernetes;
    private final Datasources datasources;
    /**
     * The loaded flows by route id (their latest valid version): what a flow's route is built from, at its
     * deployment (FLOW_ROUTES=at-deploy) or on its first run (the default: a route costs about 100 KiB of heap and
     * 3 ms to build, most flows of a large installation seldom run).
     */
    private final Map<String, FlowDefinition> loaded = new ConcurrentHashMap<>();
    /** Route ids of the flow routes built in Camel. */
    private final Set<String> built = ConcurrentHashMap.newKeySet();
    /** Route ids of the flows whose route and whose sub-flows' routes are built: a run goes straight to Camel. */
    private final Set<String> ready = ConcurrentHashMap.newKeySet();
    /**
     * The direct endpoint of each ready flow's route, by route id: resolving it from its URI (parsing, normalizing
     * and looking it up) on every send was an eighth of Camel's share of a run.
     */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /**
     * An engine on {@code camel} (started here). {@code kubernetes} is the cluster client the engine hands to what
     * needs one (the {@code k8s_job} step type, Kubernetes secrets, Camel's kubernetes endpoints); nothing connects
     * until it is used. The engine closes it with itself.
     */
    public FlowEngine(OctoflowConfig config, CamelContext camel, KubernetesAccess kubernetes) {
        this.config = config;
        this.camel = camel;
        this.kubernetes = kubernetes;
        this.secrets = new SecretStore(config.secretsPath(), config.vaultToken(), masker,
                new KubernetesSecrets(kubernetes))
                .vaultCacheTtl(java.time.Duration.ofSeconds(config.vaultCacheTtlSeconds()));
        Templates templates = new Templates(config.templatesPath());
        this.datasources = new Datasources(config, secrets); // pools open when a sql step first runs
        StepRegistry steps = StepRegistry.standard(kubernetes, datasources);
        this.catalog = new FlowCatalog(steps, templates, config.flowsPath(), config.templatesPath(),
                config.dataPath());
        this.services = new StepServices(camel, config, templates, secrets,
                new ConfinedPaths(config.dataPath(), "DATA_PATH"), new ObjectMapper());
        // lazily: the client is built only when a step or a {{secret:...}} placeholder needs it
        CamelKubernetesClient.bind(camel, kubernetes);
        camel.getShutdownStrategy().setTimeout(10);
        // before any flow's route exists: each of their processors is wrapped
        camel.getCamelContextExtension().addInterceptStrategy(new FatalErrorGuard());
        camel.start();
        this.producer = camel.createProducerTemplate();
    }

    public CamelContext camelContext() {
        return camel;
    }

    /** What the step types build with: Camel, templates, secrets, the Kubernetes client... */
    public StepServices services() {
        return services;
    }

    /** The cluster client given to the engine (Flow and Loop resources are watched with it). */
    public KubernetesAccess kubernetes() {
        return kubernetes;
    }

    public Masker masker() {
        return masker;
    }

    public OctoflowConfig config() {
        return config;
    }

    public FlowCatalog catalog() {
        return catalog;
    }

    /** Every problem of {@code file} and of the flows it calls. */
    public List<Problem> validate(Path file) {
        return catalog.validate(file);
    }

    /**
     * Validates {@code file} again (it may have changed) and replaces its flow's route; the routes of flows it
     * calls are added when missing. Nothing changes when the file does not validate.
     */
    public synchronized FlowDefinition redeploy(Path file) {
        catalog.clear();
        List<Problem> problems = catalog.validate(file);
        if (!problems.isEmpty()) {
            throw new InvalidFlowException(problems);
        }
        FlowDefinition flow = catalog.require(file);
        removeRoute(flow.routeId());
        return load(file);
    }

    /**
     * Stops and removes a flow's route (runs in progress finish first, up to the shutdown timeout) and forgets the
     * flow: its route is not built again until it is loaded again.
     */
    public synchronized void removeRoute(String routeId) {
        loaded.remove(routeId);
        ready.clear(); // a flow calling this one must check its sub-flows' routes again
        endpoints.remove(routeId); // removing its route may stop and drop its endpoint
        if (!built.remove(routeId) && camel.getRoute(routeId) == null) {
            return;
        }
        try {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove route " + routeId + ": " + ErrorText.of(e), e);
        }
    }

    /**
     * Validates {@code file} (and the flows it calls) and makes it runnable: the flows not yet loaded are kept, and
     * their routes built now (FLOW_ROUTES=at-deploy) or on their first run.
     */
    public synchronized FlowDefinition load(Path file) {
        List<Problem> problems = catalog.validate(file);
        if (!problems.isEmpty()) {
            throw new InvalidFlowException(problems);
        }
        FlowDefinition flow = catalog.require(file);
        List<FlowDefinition> missing = new ArrayList<>();
        for (FlowDefinition each : catalog.closure(file)) {
            if (loaded.putIfAbsent(each.routeId(), each) == null && !built.contains(each.routeId())) {
                missing.add(each);
            }
        }
        if (!missing.isEmpty()) {
            ready.clear(); // a flow calling one of them, run before it was loaded, builds its route on its next run
        }
        if (!missing.isEmpty() && config.flowRoutesAtDeploy()) {
            try {
                build(missing);
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the route of flow '" + flow.name() + "': "
                        + ErrorText.of(e), e);
            }
        }
        return flow;
    }

    /**
     * Loads many validated flows (and the flows they call) and adds the routes of {@code alongside} (may be null);
     * the flows' routes are built now with FLOW_ROUTES=at-deploy, else on each flow's first run. Camel checks each
     * route it adds against the processor ids of every other route added in the same call, so they go in small
     * batches (see also {@link io.octoflow.route.OctoflowCamelContext}).
     */
    public synchronized void addRoutes(List<FlowDefinition> flows, RouteBuilder alongside) {
        Map<String, FlowDefinition> missing = new LinkedHashMap<>();
        for (FlowDefinition flow : flows) {
            for (FlowDefinition each : catalog.closure(flow.file())) {
                if (!built.contains(each.routeId()) && !missing.containsKey(each.routeId())
                        && loaded.putIfAbsent(each.routeId(), each) == null) {
                    missing.put(each.routeId(), each);
                }
            }
        }
        if (!missing.isEmpty()) {
            ready.clear();
        }
        try {
            List<RouteDefinition> routes = new ArrayList<>();
            if (config.flowRoutesAtDeploy()) {
                routes.addAll(new FlowRouteBuilder(List.copyOf(missing.values()), services).configureRoutes(camel)
                        .getRoutes());
                built.addAll(missing.keySet());
            }
            if (alongside != null) {
                routes.addAll(alongside.configureRoutes(camel).getRoutes());
            }
            Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
            for (int from = 0; from < routes.size(); from += ROUTES_PER_BATCH) {
                model.addRouteDefinitions(routes.subList(from, Math.min(routes.size(), from + ROUTES_PER_BATCH)));
            }
        } catch (Exception e) {
            missing.keySet().forEach(built::remove);
            throw new IllegalStateException("cannot build the routes of " + missing.size() + " flows: "
                    + ErrorText.of(e), e);
        }
    }

    /**
     * The Camel route of a loaded flow, built (with those of the flows it calls) when it is not yet; null when
     * the flow is not loaded.
     */
    public org.apache.camel.Route route(FlowDefinition flow) {
        if (!loaded.containsKey(flow.routeId())) {
            return null;
        }
        ensureRoutes(flow);
        return camel.getRoute(flow.routeId());
    }

    /** How many flows are loaded, and how many of them have their Camel route built. */
    public int loadedFlows() {
        return loaded.size();
    }

    public int builtRoutes() {
        return built.size();
    }

    /**
     * Before a run: the routes of the flow and of every flow it calls exist. After the first run this is one set
     * lookup; Camel's own lookup of a route by id scans every route.
     */
    private void ensureRoutes(FlowDefinition flow) {
        if (ready.contains(flow.routeId())) {
            return;
        }
        synchronized (this) {
            FlowDefinition current = loaded.get(flow.routeId());
            if (current == null) {
                return; // removed meanwhile: the run fails as one of a flow without a route
            }
            List<FlowDefinition> missing = new ArrayList<>();
            Deque<FlowDefinition> todo = new ArrayDeque<>(List.of(current));
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (!todo.isEmpty()) {
                FlowDefinition next = todo.pop();
                if (!seen.add(next.routeId())) {
                    continue;
                }
                if (!built.contains(next.routeId())) {
                    missing.add(next);
                }
                for (String sub : next.subFlows()) {
                    FlowDefinition called = loaded.get(FlowDefinition.routeId(sub));
                    if (called != null) { // one not loaded (removed) fails the step that calls it, as before
                        todo.push(called);
                    }
                }
            }
            if (!missing.isEmpty()) {
                try {
                    build(missing);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot build the route of flow '" + flow.name() + "': "
                            + ErrorText.of(e), e);
                }
            }
            ready.add(flow.routeId());
        }
    }

    /** Builds and starts the routes of {@code flows}, each in its own small batch (see {@link #addRoutes}). */
    private void build(List<FlowDefinition> flows) throws Exception {
        List<RouteDefinition> routes = new FlowRouteBuilder(flows, services).configureRoutes(camel).getRoutes();
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (int from = 0; from < routes.size(); from += ROUTES_PER_BATCH) {
            model.addRouteDefinitions(routes.subList(from, Math.min(routes.size(), from + ROUTES_PER_BATCH)));
        }
        flows.forEach(each -> built.add(each.routeId()));
    }

    /** Runs a loaded flow once and waits for it, up to its timeout. */
    public RunResult run(FlowDefinition flow, Object input, Map<String, Object> initialData) {
        long timeoutSeconds = flow.timeoutSeconds() != null ? flow.timeoutSeconds() : config.flowTimeoutSeconds();
        return run(flow, input, initialData, Duration.ofSeconds(timeoutSeconds));
    }

    public RunResult run(FlowDefinition flow, Object input, Map<String, Object> initialData, Duration timeout) {
        return run(flow, new LaunchRequest(ExecutionIds.next(), Instant.now(), input, initialData), timeout);
    }

    /**
     * Runs with a request made by the caller, who keeps it to abort the run ({@code request.cancellation()}). The
     * route runs on the caller's thread (no hand-off to another thread per run); at the timeout {@link RunDeadlines}
     * cancels the run, which ends at the next step boundary (a sleep wakes, a rest call and a sql statement are
     * aborted, a jq program stops, a k8s_job stops waiting) and is recorded {@code timeout}. An interrupt of the
     * caller aborts the run the same way (status {@code aborted}).
     */
    public RunResult run(FlowDefinition flow, LaunchRequest request, Duration timeout) {
        Instant started = request.started();
        ensureRoutes(flow);
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(LaunchRequest.PROPERTY, request);
        Thread caller = Thread.currentThread();
        if (caller.isInterrupted()) {
            request.cancellation().cancel(RunStatus.ABORTED); // as the wait of a pool thread's run threw at once
        }
        RunDeadlines.Watch watch = deadlines.watch(request.cancellation(), nanos(timeout), flow.name(),
                timeout.getSeconds());
        boolean entered = RunContext.enter(flow.name(), request.executionId());
        String failure = null;
        try {
            Exchange result = producer.send(endpoint(flow), exchange);
            if (result.getException() != null) {
                failure = ErrorText.of(result.getException());
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // one escaping the route (FatalErrorGuard turns those of a step into its failure): the run fails, as
            // when it went on a pool thread
            failure = ErrorText.of(e);
        } finally {
            deadlines.done(watch);
            if (entered) {
                RunContext.leave();
            }
        }
        if (caller.isInterrupted()) {
            request.cancellation().cancel(RunStatus.ABORTED);
        }
        return result(flow, request, started, failure);
    }

    private Endpoint endpoint(FlowDefinition flow) {
        Endpoint endpoint = endpoints.get(flow.routeId());
        if (endpoint == null) {
            endpoint = camel.getEndpoint(flow.endpointUri());
            endpoints.put(flow.routeId(), endpoint);
            if (!ready.contains(flow.routeId())) {
                endpoints.remove(flow.routeId()); // its route was removed meanwhile: resolved again next time
            }
        }
        return endpoint;
    }

    /**
     * The timeout in nanoseconds, at most Long.MAX_VALUE: {@link Duration#toNanos()} throws past 292 years, and a
     * run whose wait threw stayed {@code running} for ever (issue 18 #16).
     */
    static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @SuppressWarnings("unchecked")
    private RunResult result(FlowDefinition flow, LaunchRequest request, Instant started, String failure) {
        FlowRun run = request.run();
        Instant ended = Instant.now();
        if (run == null) {
            String error = "flow '" + flow.name() + "' did not start" + (failure != null ? ": " + failure : "");
            return new RunResult(request.executionId(), flow.name(), RunStatus.FAILED, Map.of(), masker.mask(error),
                    List.of(), started, ended);
        }
        RunStatus status = run.status();
        String error = run.error();
        if (request.cancellation().isCancelled() && !status.ok()) {
            status = request.cancellation().reason();
            error = "flow '" + flow.name() + "' " + (status == RunStatus.TIMEOUT ? "timed out" : "was aborted")
                    + (error != null ? "; " + error : "");
        } else if (status == RunStatus.RUNNING || failure != null) {
            status = RunStatus.FAILED;
            error = "flow '" + flow.name() + "' failed: " + (failure != null ? failure : "it did not finish");
        }
        Map<String, Object> data = snapshot(run);
        return new RunResult(request.executionId(), flow.name(), status, (Map<String, Object>) masker.maskValue(data),
                masker.mask(error), snapshotRecords(run), started, ended);
    }

    /** A copy of the data (a sub-flow's worker of a flow_loop may still be writing to it after a timeout). */
    private static Map<String, Object> snapshot(FlowRun run) {
        for (int attempt = 0; ; attempt++) {
            try {
                return new LinkedHashMap<>(run.data());
            } catch (ConcurrentModificationException e) {
                if (attempt > 100) {
                    return Map.of();
                }
            }
        }
    }

    private static List<StepRecord> snapshotRecords(FlowRun run) {
        for (int attempt = 0; ; attempt++) {
            try {
                return List.copyOf(run.records());
            } catch (ConcurrentModificationException e) {
                if (attempt > 100) {
                    return List.of();
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            producer.close();
        } catch (Exception e) {
            LOG.debug("closing the producer", e);
        }
        camel.stop();
        deadlines.close();
        datasources.close(); // after the routes: no sql step runs any more
        kubernetes.close();
    }
}
