package io.octoflow.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.Concurrency;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.lock.LockIdempotentRepository;
import io.octoflow.lock.LockStore;
import io.octoflow.logging.RunContext;
import io.octoflow.metrics.FlowMetrics;

/**
 * Starts runs, whoever asks (a schedule, the API, JMX, a task, a Loop resource), the same way: through the route
 * {@code octoflow-launch}, whose idempotent consumer keyed by the target's id (a flow's path) is the lock (eager
 * add, removed on failure, released by confirm when the run ends; see {@link LockIdempotentRepository}). A launch is
 * admitted or refused at once; the run itself goes on in the background and is recorded from start to end, with
 * the {@link Trigger} that asked for it.
 */
public final class Launcher extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(Launcher.class);
    private static final String LAUNCH = "octoflow.pendingLaunch";
    /** The lock key: the flow's id (its path), so flows sharing a name lock apart. */
    private static final String FLOW_ID = "octoflow.flowId";
    private static final String RESULT = "octoflow.runResult";
    /** The lock's owner: the run's execution id (see {@link LockIdempotentRepository}). */
    public static final String EXECUTION_ID = "octoflow.executionId";
    private static final String LOCKED_ENDPOINT = "direct:octoflow-launch";
    private static final String UNLOCKED_ENDPOINT = "direct:octoflow-launch-unlocked";
    private static final Duration QUEUE_POLL = Duration.ofMillis(20);

    private final FlowEngine engine;
    private final LockStore locks;
    private final ExecutionRecorder recorder;
    private final Map<String, LaunchRequest> running = new ConcurrentHashMap<>();
    private final ExecutorService launches;
    private ProducerTemplate producer;
    private volatile boolean accepting = true;

    /** What the caller learns at once, and the run's outcome later. */
    public record Launch(String executionId, boolean admitted, String refusal, CompletableFuture<RunResult> done) {
    }

    private record Pending(LaunchTarget target, LaunchRequest request, Trigger trigger, Instant scheduledAt,
            Duration timeout, CompletableFuture<Boolean> admission, CompletableFuture<RunResult> done) {
    }

    public Launcher(FlowEngine engine, LockStore locks, ExecutionRecorder recorder, int threads) {
        this.engine = engine;
        this.locks = locks;
        this.recorder = recorder;
        // a thread per run in progress: launches never queue behind long runs
        try {
            this.launches = new ThreadPoolBuilder(engine.camelContext()).poolSize(threads).maxPoolSize(1024)
                    .maxQueueSize(0).build(this, "octoflow-launch");
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the launch thread pool", e);
        }
    }

    @Override
    public void configure() {
        from(LOCKED_ENDPOINT).routeId("octoflow-launch")
                .idempotentConsumer(exchangeProperty(FLOW_ID))
                    .idempotentRepository(new LockIdempotentRepository(locks, EXECUTION_ID))
                    .eager(true).removeOnFailure(true).completionEager(true).skipDuplicate(true)
                    .process(this::run).id("octoflow-launch:run")
                .end()
                .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                    .process(this::refuse).id("octoflow-launch:locked")
                .end();
        from(UNLOCKED_ENDPOINT).routeId("octoflow-launch-unlocked")
                .process(this::run).id("octoflow-launch-unlocked:run");
    }

    /**
     * Launches {@code flow}: returns once the run is admitted (lock taken, row recorded) or refused (locked).
     * A scheduled fire that finds the flow locked is recorded as skipped.
     *
     * @param timeoutSeconds null: the flow's {@code timeout_seconds}, else FLOW_TIMEOUT_SECONDS
     */
    public Launch launch(FlowDefinition flow, Object input, Trigger trigger, Instant scheduledAt, Long timeoutSeconds) {
        return launch(new FlowTarget(flow, engine), input, trigger, scheduledAt,
                timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : null);
    }

    /** Launches anything the launcher can run (see {@link LaunchTarget}); {@code timeout} null: its default. */
    public Launch launch(LaunchTarget target, Object input, Trigger trigger, Instant scheduledAt, Duration timeout) {
        String id = UUID.randomUUID().toString();
        if (!accepting) {
            return new Launch(id, false, "Octoflow is shutting down", CompletableFuture.completedFuture(null));
        }
        // the payload is the flow's __input__ only, as on the spooler
        LaunchRequest request = new LaunchRequest(id, Instant.now(), input, Map.of());
        Pending pending = new Pending(target, request, trigger, scheduledAt,
                timeout != null ? timeout : target.defaultTimeout(), new CompletableFuture<>(),
                new CompletableFuture<>());
        if (target.concurrency() == Concurrency.QUEUE) {
            launches.execute(() -> queued(pending));
        } else {
            Exchange exchange = new DefaultExchange(engine.camelContext());
            exchange.setProperty(FLOW_ID, target.id());
            exchange.setProperty(EXECUTION_ID, id);
            exchange.setProperty(LAUNCH, pending);
            String endpoint = target.concurrency() == Concurrency.ALLOW ? UNLOCKED_ENDPOINT : LOCKED_ENDPOINT;
            launches.execute(() -> {
                Exchange result = producer().send(endpoint, exchange);
                if (result.getException() != null) {
                    pending.admission.complete(false);
                    pending.done.completeExceptionally(result.getException());
                } else {
                    // only now is the lock released: a caller told the run ended may launch it again at once
                    pending.done.complete(result.getProperty(RESULT, RunResult.class));
                }
            });
        }
        boolean admitted;
        try {
            admitted = pending.admission.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        } catch (ExecutionException | TimeoutException e) {
            admitted = false;
        }
        return new Launch(id, admitted, admitted ? null : target.describe() + " is already running (locked)",
                pending.done);
    }

    /** concurrency: queue — wait for the lock instead of refusing, up to the run's timeout. */
    private void queued(Pending pending) {
        String key = pending.target.id();
        long deadline = System.nanoTime() + pending.timeout.toNanos();
        pending.admission.complete(true);
        try {
            while (!locks.take(key, pending.request.executionId())) {
                if (System.nanoTime() > deadline || !accepting) {
                    recorder.skipped(pending.request.executionId(), pending.target, pending.trigger, pending.scheduledAt,
                            FlowMetrics.SkipReason.QUEUE_TIMEOUT, "waited for the lock until the timeout");
                    pending.done.complete(null);
                    return;
                }
                Thread.sleep(QUEUE_POLL.toMillis());
            }
            // the run starts now, not when it was asked for: start time and __timestamp__ say so
            LaunchRequest waited = pending.request;
            Pending now = new Pending(pending.target, new LaunchRequest(waited.executionId(), Instant.now(), waited.input(),
                    waited.initialData()), pending.trigger, pending.scheduledAt, pending.timeout, pending.admission,
                    pending.done);
            RunResult result;
            try {
                result = runNow(now);
            } finally {
                locks.release(key, pending.request.executionId());
            }
            pending.done.complete(result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            pending.done.completeExceptionally(e);
        }
    }

    private void run(Exchange exchange) {
        Pending pending = exchange.getProperty(LAUNCH, Pending.class);
        pending.admission.complete(true);
        exchange.setProperty(RESULT, runNow(pending));
    }

    /** Runs and records; the caller completes {@code done} once the lock is released. */
    private RunResult runNow(Pending pending) {
        LaunchRequest request = pending.request;
        running.put(request.executionId(), request);
        LaunchTarget target = pending.target;
        boolean logContext = RunContext.enter(target.name(), request.executionId());
        try {
            recorder.started(request.executionId(), target, pending.trigger, pending.scheduledAt, request.started(),
                    request.input());
            RunResult result = target.run(request, pending.timeout);
            recorder.finished(target, result);
            // a Loop may run every second and logs its own failures: its every run at INFO would flood the log
            LOG.log(pending.trigger == Trigger.LOOP ? Level.DEBUG : Level.INFO, "{} {} in {} ms (execution {}, {})",
                    target.describe(), result.status().label(), result.durationMillis(), result.executionId(),
                    pending.trigger.label());
            return result;
        } catch (RuntimeException e) {
            LOG.error("{}: the run could not be recorded: {}", target.describe(), e.getMessage());
            throw e;
        } finally {
            running.remove(request.executionId());
            if (logContext) {
                RunContext.leave();
            }
        }
    }

    private void refuse(Exchange exchange) {
        Pending pending = exchange.getProperty(LAUNCH, Pending.class);
        if (pending.trigger == Trigger.SCHEDULE) {
            recorder.skipped(pending.request.executionId(), pending.target, pending.trigger, pending.scheduledAt,
                    FlowMetrics.SkipReason.LOCKED, "the previous run of the flow was still going (locked)");
            LOG.info("{}: scheduled fire skipped, the flow is locked", pending.target.describe());
        }
        pending.admission.complete(false);
        pending.done.complete(null);
    }

    /** Aborts a running execution; false when it is not running here. */
    public boolean abort(String executionId) {
        LaunchRequest request = running.get(executionId);
        if (request == null) {
            return false;
        }
        request.cancellation().cancel(RunStatus.ABORTED);
        return true;
    }

    public boolean isRunning(String executionId) {
        return running.containsKey(executionId);
    }

    public List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    /** Stops admitting runs, lets running ones finish for up to {@code grace}, then aborts the rest. */
    public void shutdown(Duration grace) {
        accepting = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!running.isEmpty()) {
            LOG.warn("aborting {} run(s) still going after {} s", running.size(), grace.toSeconds());
            running.values().forEach(r -> r.cancellation().cancel(RunStatus.ABORTED));
            long abortDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!running.isEmpty() && System.nanoTime() < abortDeadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private synchronized ProducerTemplate producer() {
        if (producer == null) {
            CamelContext camel = engine.camelContext();
            producer = camel.createProducerTemplate();
        }
        return producer;
    }

    /** A deployed flow, run by the engine; its id (its path) is the lock key. */
    private record FlowTarget(FlowDefinition flow, FlowEngine engine) implements LaunchTarget {
        @Override
        public String id() {
            return flow.id();
        }

        @Override
        public String name() {
            return flow.name();
        }

        @Override
        public Concurrency concurrency() {
            return flow.concurrency();
        }

        @Override
        public Duration defaultTimeout() {
            return Duration.ofSeconds(flow.timeoutSeconds() != null ? flow.timeoutSeconds()
                    : engine.config().flowTimeoutSeconds());
        }

        @Override
        public RunResult run(LaunchRequest request, Duration timeout) {
            return engine.run(flow, request, timeout);
        }
    }
}
