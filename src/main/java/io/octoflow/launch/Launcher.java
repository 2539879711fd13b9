package io.octoflow.launch;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.ErrorText;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunProgress;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.Concurrency;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionIds;
import io.octoflow.history.QueuedLaunch;
import io.octoflow.lock.LockIdempotentRepository;
import io.octoflow.lock.LockStore;
import io.octoflow.logging.RunContext;
import io.octoflow.metrics.FlowMetrics;

/**
 * Starts runs, whoever asks (a schedule, the API, JMX, a task, a Loop resource), the same way: through the route
 * {@code octoflow-launch}, whose idempotent consumer keyed by the target's id (a flow's path) is the lock (eager
 * add, removed on failure, released by confirm when the run ends; see {@link LockIdempotentRepository}). A launch is
 * admitted or refused at once, and admitted only once its history row is written (nothing acknowledged is lost);
 * the run itself goes on in the background on the launch pool, never on the caller's thread, and is recorded from
 * start to end, with the {@link Trigger} that asked for it. Launches of {@code concurrency: queue} flows wait in the
 * {@link LaunchQueue} (a row each, no thread each). A launch that cannot start leaves a {@code failed} row.
 */
public final class Launcher extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(Launcher.class);
    private static final String LAUNCH = "octoflow.pendingLaunch";
    /** The lock key: the flow's id (its path), so flows sharing a name lock apart. */
    private static final String FLOW_ID = "octoflow.flowId";
    private static final String RESULT = "octoflow.runResult";
    /** The caller waits for the end: the run may be recorded once, when it ends (ExecutionRecorder#startedQuietly). */
    private static final String CALLER_WAITS = "octoflow.callerWaits";
    /** The lock's owner: the run's execution id (see {@link LockIdempotentRepository}). */
    public static final String EXECUTION_ID = "octoflow.executionId";
    /**
     * The exchange property of a Camel exchange answered from a {@link #launchAsync} future: the {@link Executor}
     * on which to make its answer (the HTTP server's event loop). Such a future completes on a launch thread inside
     * the launch route, where Camel would run the exchange's continuation only once that route ends (after the run).
     */
    public static final String ANSWER_ON = "octoflow.answerOn";
    private static final String LOCKED_ENDPOINT = "direct:octoflow-launch";
    private static final String UNLOCKED_ENDPOINT = "direct:octoflow-launch-unlocked";
    /** How long a caller waits for a launch's admission (a lock and a row: milliseconds, unless in trouble). */
    private static final int ADMISSION_SECONDS = 30;
    /** Core threads of the launch pool, kept when idle. */
    private static final int CORE_THREADS = 16;

    private final FlowEngine engine;
    private final LockStore locks;
    private final ExecutionRecorder recorder;
    private final Map<String, LaunchRequest> running = new ConcurrentHashMap<>();
    private final ExecutorService launches;
    private final int maxThreads;
    private final LaunchQueue queue;
    private final ObjectMapper json = new ObjectMapper();
    private ProducerTemplate producer;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile boolean accepting = true;

    /** What the caller learns at once, and the run's outcome later. */
    public record Launch(String executionId, boolean admitted, String refusal, CompletableFuture<RunResult> done,
            Refusal.Kind refusedBecause) {
    }

    /** Why a launch was not admitted, in words for the caller. */
    public record Refusal(Kind kind, String reason) {

        public enum Kind {
            /** the flow is running (concurrency: forbid) */
            LOCKED,
            /** Octoflow is at a bound: every launch thread busy (LAUNCH_MAX_THREADS) or the queue full */
            OVERLOADED,
            /** the run could not start (recorded failed, with the error, when the history takes it) */
            NOT_STARTED,
            /** Octoflow is stopping */
            STOPPING
        }
    }

    /**
     * @param maxThreads runs at once, all flows together (LAUNCH_MAX_THREADS): a launch beyond it is refused, never
     *                   run on the caller's thread
     * @param maxWaiting launches of one concurrency: queue flow waiting at once (QUEUE_MAX_WAITING)
     */
    public Launcher(FlowEngine engine, LockStore locks, ExecutionRecorder recorder, int maxThreads, int maxWaiting) {
        this.engine = engine;
        this.locks = locks;
        this.recorder = recorder;
        this.maxThreads = maxThreads;
        // a thread per run in progress: launches never queue behind long runs; a full pool refuses (Abort), it never
        // runs the flow on the caller's thread (an HTTP worker)
        try {
            this.launches = new ThreadPoolBuilder(engine.camelContext()).poolSize(Math.min(CORE_THREADS, maxThreads))
                    .maxPoolSize(maxThreads).maxQueueSize(0).rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                    .build(this, "octoflow-launch");
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the launch thread pool", e);
        }
        this.queue = new LaunchQueue(locks, recorder, new LaunchQueue.Runner() {
            @Override
            public void submit(Runnable run) {
                launches.execute(run);
            }

            @Override
            public RunResult run(PendingLaunch launch) {
                return runStarted(launch);
            }
        }, maxWaiting);
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
     * Launches {@code flow}: returns once the run is admitted (lock taken or place in the queue, and its history row
     * written) or refused. A scheduled fire that finds the flow locked is recorded as skipped.
     *
     * @param timeoutSeconds null: the flow's {@code timeout_seconds}, else FLOW_TIMEOUT_SECONDS
     */
    public Launch launch(FlowDefinition flow, Object input, Trigger trigger, Instant scheduledAt, Long timeoutSeconds) {
        return launch(flow, input, trigger, scheduledAt, timeoutSeconds, false);
    }

    /**
     * As {@link #launch(FlowDefinition, Object, Trigger, Instant, Long)}; {@code callerWaits}: the caller is told
     * only the run's end (an API {@code ?wait=true}): a short run is then recorded in one write when it ends, made
     * durable before {@link Launch#done()} completes, instead of a durable running row first and its end later (see
     * {@link ExecutionRecorder#startedQuietly}).
     */
    public Launch launch(FlowDefinition flow, Object input, Trigger trigger, Instant scheduledAt, Long timeoutSeconds,
            boolean callerWaits) {
        return launch(new FlowTarget(flow, engine), input, trigger, scheduledAt,
                timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : null, null, callerWaits);
    }

    /**
     * Launches {@code flow} for an event trigger: {@code event} (the trigger's metadata) becomes the run's
     * {@code __trigger__}; otherwise as {@link #launch(FlowDefinition, Object, Trigger, Instant, Long)}.
     */
    public Launch launch(FlowDefinition flow, Object input, Trigger trigger, Map<String, Object> event) {
        return launch(flow, input, trigger, event, false);
    }

    /**
     * As {@link #launch(FlowDefinition, Object, Trigger, Map)}; {@code callerWaits}: the event's source waits for
     * the run's end before it answers or acknowledges the event (a webhook's {@code respond: result}, a Kafka
     * offset's commit), so the end is made durable first, as for {@link #launch(FlowDefinition, Object, Trigger,
     * Instant, Long, boolean)}.
     */
    public Launch launch(FlowDefinition flow, Object input, Trigger trigger, Map<String, Object> event,
            boolean callerWaits) {
        return launch(new FlowTarget(flow, engine), input, trigger, null, null, event, callerWaits);
    }

    /**
     * Records a failed run of {@code flow} with {@code error}, no step run: for an event its trigger cannot take (a
     * Kafka record that is not JSON). It goes as any launch (the flow's lock, its history row, its metrics), so
     * the caller is answered as for {@link #launch(FlowDefinition, Object, Trigger, Map, boolean)}.
     */
    public Launch launchFailed(FlowDefinition flow, String error, Object input, Trigger trigger,
            Map<String, Object> event, boolean callerWaits) {
        return launch(new FlowTarget(flow, engine, error), input, trigger, null, null, event, callerWaits);
    }

    /** What the launcher runs for a deployed flow (to queue again a launch a previous process left queued). */
    public LaunchTarget target(FlowDefinition flow) {
        return new FlowTarget(flow, engine);
    }

    /** Launches anything the launcher can run (see {@link LaunchTarget}); {@code timeout} null: its default. */
    public Launch launch(LaunchTarget target, Object input, Trigger trigger, Instant scheduledAt, Duration timeout) {
        return launch(target, input, trigger, scheduledAt, timeout, null, false);
    }

    /** Launches a target for an event trigger, {@code event} its {@code __trigger__}. */
    public Launch launch(LaunchTarget target, Object input, Trigger trigger, Map<String, Object> event) {
        return launch(target, input, trigger, event, false);
    }

    /** As {@link #launch(LaunchTarget, Object, Trigger, Map)}, for a source that waits for the run's end. */
    public Launch launch(LaunchTarget target, Object input, Trigger trigger, Map<String, Object> event,
            boolean callerWaits) {
        return launch(target, input, trigger, null, null, event, callerWaits);
    }

    private Launch launch(LaunchTarget target, Object input, Trigger trigger, Instant scheduledAt, Duration timeout,
            Map<String, Object> event, boolean callerWaits) {
        PendingLaunch pending = pending(target, input, trigger, scheduledAt, timeout, event);
        Launch answered = start(pending, callerWaits);
        if (answered != null) {
            return answered;
        }
        Refusal refusal;
        try {
            refusal = pending.admission().get(ADMISSION_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusal = new Refusal(Refusal.Kind.STOPPING, "interrupted while the launch was being admitted");
        } catch (ExecutionException | TimeoutException e) {
            refusal = notAdmittedInTime(target);
        }
        return answer(pending, refusal);
    }

    /**
     * As {@link #launch(FlowDefinition, Object, Trigger, Instant, Long, boolean)}, without waiting: the launch is
     * answered (admitted or refused) by the returned future, completed on the launch thread that admits it (or at
     * once when it is refused before; a {@code concurrency: queue} flow's queued row is written on this thread). The
     * API answers from it, so that no thread waits for a run (issue 17).
     */
    public CompletableFuture<Launch> launchAsync(FlowDefinition flow, Object input, Trigger trigger,
            Long timeoutSeconds, boolean callerWaits) {
        return launchAsync(new FlowTarget(flow, engine), input, trigger,
                timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds) : null, null, callerWaits);
    }

    /**
     * As {@link #launch(FlowDefinition, Object, Trigger, Map, boolean)}, without waiting (see
     * {@link #launchAsync(FlowDefinition, Object, Trigger, Long, boolean)}): a webhook answered from the future.
     */
    public CompletableFuture<Launch> launchAsync(FlowDefinition flow, Object input, Trigger trigger,
            Map<String, Object> event, boolean callerWaits) {
        return launchAsync(new FlowTarget(flow, engine), input, trigger, null, event, callerWaits);
    }

    private CompletableFuture<Launch> launchAsync(FlowTarget target, Object input, Trigger trigger, Duration timeout,
            Map<String, Object> event, boolean callerWaits) {
        PendingLaunch pending = pending(target, input, trigger, null, timeout, event);
        Launch answered = start(pending, callerWaits);
        if (answered != null) {
            return CompletableFuture.completedFuture(answered);
        }
        return pending.admission().copy().orTimeout(ADMISSION_SECONDS, TimeUnit.SECONDS)
                .handle((refusal, error) -> answer(pending, error == null ? refusal : notAdmittedInTime(target)));
    }

    private PendingLaunch pending(LaunchTarget target, Object input, Trigger trigger, Instant scheduledAt,
            Duration timeout, Map<String, Object> event) {
        String id = ExecutionIds.next(); // time-ordered: each run's rows go to the right edge of the id indexes
        // the payload is the flow's __input__ only, as on the spooler
        LaunchRequest request = new LaunchRequest(id, Instant.now(), input, Map.of(), event);
        return new PendingLaunch(target, request, trigger, scheduledAt,
                timeout != null ? timeout : target.defaultTimeout(), new CompletableFuture<>(),
                new CompletableFuture<>());
    }

    /**
     * Hands the launch to a launch thread (or to the queue): null once it is on its way, its admission to come;
     * else the launch, answered (queued or refused) at once.
     */
    private Launch start(PendingLaunch pending, boolean callerWaits) {
        LaunchTarget target = pending.target();
        if (!accepting) {
            return refused(pending, new Refusal(Refusal.Kind.STOPPING, "Octoflow is shutting down"));
        }
        if (target.concurrency() == Concurrency.QUEUE) {
            return answer(pending, queue.offer(pending));
        }
        Exchange exchange = new DefaultExchange(engine.camelContext());
        exchange.setProperty(FLOW_ID, target.id());
        exchange.setProperty(EXECUTION_ID, pending.executionId());
        exchange.setProperty(LAUNCH, pending);
        exchange.setProperty(CALLER_WAITS, callerWaits);
        Endpoint endpoint = launchEndpoint(target.concurrency() == Concurrency.ALLOW ? UNLOCKED_ENDPOINT
                : LOCKED_ENDPOINT);
        try {
            launches.execute(() -> send(endpoint, exchange, pending));
        } catch (RejectedExecutionException e) {
            return overloaded(pending);
        } catch (RuntimeException | OutOfMemoryError e) {
            // "unable to create native thread", say: the launch cannot start, and says so in the history
            return notStarted(pending, e);
        }
        return null;
    }

    private static Refusal notAdmittedInTime(LaunchTarget target) {
        return new Refusal(Refusal.Kind.OVERLOADED, target.describe() + " was not admitted within "
                + ADMISSION_SECONDS + " s");
    }

    /**
     * At start, once the flows are deployed: the launches a previous process queued and never ran ({@code queued}
     * rows) wait again, in their order, with their input and timeout. A launch whose flow is gone, or whose input the
     * history could not keep whole, is recorded failed.
     *
     * @param targets the deployed target at a flow path (its id), if any
     * @return how many launches were queued again
     */
    public int requeue(Function<String, Optional<LaunchTarget>> targets) {
        int queued = requeue(recorder.queuedLaunches(), targets);
        if (queued > 0) {
            LOG.info("{} launch(es) queued by a previous process queued again", queued);
        }
        return queued;
    }

    /**
     * Queues {@code rows} ({@code queued} rows, in their order) again, with their input and timeout: at start, the
     * previous process's; in cluster mode, those this replica took over from a dead one. A launch whose flow is gone,
     * or whose input the history could not keep whole, is recorded failed.
     *
     * @param targets the deployed target at a flow path (its id), if any
     * @return how many launches were queued again
     */
    public int requeue(List<QueuedLaunch> rows, Function<String, Optional<LaunchTarget>> targets) {
        int queued = 0;
        for (QueuedLaunch left : rows) {
            Execution row = left.execution();
            Optional<LaunchTarget> target = row.flowPath() == null ? Optional.empty() : targets.apply(row.flowPath());
            if (target.isEmpty()) {
                recorder.endQueued(row.id(), new NamedTarget(row), RunStatus.FAILED, null, "flow '" + row.flowName()
                        + "' (" + row.flowPath() + ") is not deployed any more: its queued launch cannot run");
                continue;
            }
            Object input;
            try {
                input = row.input() == null ? null : json.readValue(row.input(), Object.class);
            } catch (IOException e) {
                input = null;
            }
            if (input instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("_truncated")) && map.size() == 2
                    && map.containsKey("size")) {
                recorder.endQueued(row.id(), target.get(), RunStatus.FAILED, null, "the input of the queued launch ("
                        + map.get("size") + " bytes) was over the history's cap: it was not kept and cannot run");
                continue;
            }
            LaunchRequest request = new LaunchRequest(row.id(), row.startedAt(), input, Map.of(), event(left));
            PendingLaunch pending = new PendingLaunch(target.get(), request, Trigger.of(row.trigger()),
                    row.scheduledAt(), left.timeout() != null ? left.timeout() : target.get().defaultTimeout(),
                    CompletableFuture.completedFuture(PendingLaunch.ADMITTED), new CompletableFuture<>());
            queue.restore(pending, row.startedAt());
            queued++;
        }
        return queued;
    }

    /** The {@code __trigger__} a queued launch had (null when none, or when the history could not read it back). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> event(QueuedLaunch left) {
        if (left.eventJson() == null) {
            return null;
        }
        try {
            return json.readValue(left.eventJson(), Map.class);
        } catch (IOException e) {
            LOG.warn("queued launch {}: its trigger's event cannot be read back ({}); it runs without __trigger__",
                    left.execution().id(), e.getMessage());
            return null;
        }
    }

    /** On a launch thread: the lock route (or the unlocked one) admits and runs, or refuses. */
    private void send(Endpoint endpoint, Exchange exchange, PendingLaunch pending) {
        Exchange result = producer().send(endpoint, exchange);
        if (result.getException() != null && !pending.admission().isDone()) {
            // the lock could not be taken, or the row not written: no run, but a row that says why
            Refusal refusal = notStartedRefusal(pending, result.getException());
            pending.admission().complete(refusal);
            pending.done().completeExceptionally(result.getException());
        } else if (result.getException() != null) {
            pending.done().completeExceptionally(result.getException());
        } else {
            // only now is the lock released: a caller told the run ended may launch it again at once
            pending.done().complete(result.getProperty(RESULT, RunResult.class));
        }
    }

    private Launch answer(PendingLaunch pending, Refusal refusal) {
        if (refusal == null) {
            return new Launch(pending.executionId(), true, null, pending.done(), null);
        }
        return refused(pending, refusal);
    }

    private static Launch refused(PendingLaunch pending, Refusal refusal) {
        if (!pending.done().isDone()) {
            pending.done().complete(null);
        }
        return new Launch(pending.executionId(), false, refusal.reason(), pending.done(), refusal.kind());
    }

    /** Every launch thread is busy: refused, and a scheduled fire is recorded skipped with the reason. */
    private Launch overloaded(PendingLaunch pending) {
        String why = pending.target().describe() + " was not started: Octoflow runs the most runs at once"
                + " LAUNCH_MAX_THREADS=" + maxThreads + " allows; retry later";
        if (pending.trigger() == Trigger.SCHEDULE) {
            recorder.skipped(pending.executionId(), pending.target(), pending.trigger(), pending.scheduledAt(),
                    FlowMetrics.SkipReason.OVERLOADED, why);
        } else {
            recorder.refused(pending.target(), FlowMetrics.SkipReason.OVERLOADED);
        }
        LOG.warn("{}", why);
        return refused(pending, new Refusal(Refusal.Kind.OVERLOADED, why));
    }

    private Launch notStarted(PendingLaunch pending, Throwable error) {
        return refused(pending, notStartedRefusal(pending, error));
    }

    /** Records the launch failed with the error (it never ran) and says so to the caller. */
    private Refusal notStartedRefusal(PendingLaunch pending, Throwable error) {
        String text = ErrorText.of(error);
        LOG.error("{}: execution {} could not start: {}", pending.target().describe(), pending.executionId(), text);
        recorder.failedToStart(pending.executionId(), pending.target(), pending.trigger(), pending.scheduledAt(),
                pending.request().input(), "could not start: " + text);
        return new Refusal(Refusal.Kind.NOT_STARTED, pending.target().describe() + " could not start: " + text
                + " (recorded as failed execution " + pending.executionId() + ")");
    }

    /** In the lock route, lock held: the running row first, then the caller is answered, then the run goes. */
    private void run(Exchange exchange) {
        PendingLaunch pending = exchange.getProperty(LAUNCH, PendingLaunch.class);
        LaunchRequest request = pending.request();
        if (exchange.getProperty(CALLER_WAITS, false, Boolean.class)) {
            recorder.startedQuietly(request.executionId(), pending.target(), pending.trigger(), pending.scheduledAt(),
                    request.started(), request.input());
        } else {
            recorder.started(request.executionId(), pending.target(), pending.trigger(), pending.scheduledAt(),
                    request.started(), request.input());
        }
        pending.admission().complete(PendingLaunch.ADMITTED);
        exchange.setProperty(RESULT, runStarted(pending));
    }

    /** Runs a launch whose row is {@code running} and records its end; a run that throws is recorded failed. */
    private RunResult runStarted(PendingLaunch pending) {
        LaunchRequest request = pending.request();
        running.put(request.executionId(), request);
        LaunchTarget target = pending.target();
        boolean logContext = RunContext.enter(target.name(), request.executionId());
        try {
            RunResult result;
            try {
                result = target.run(request, pending.timeout());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                result = new RunResult(request.executionId(), target.name(), RunStatus.FAILED, null,
                        ErrorText.of(e), List.of(), request.started(), Instant.now());
            }
            try {
                recorder.finished(target, result);
            } catch (RuntimeException e) {
                // the row stays running: the next start marks it aborted
                LOG.error("{}: the end of execution {} could not be recorded: {}", target.describe(),
                        request.executionId(), e.getMessage());
            }
            // a Loop may run every second and logs its own failures: its every run at INFO would flood the log
            LOG.log(pending.trigger() == Trigger.LOOP ? Level.DEBUG : Level.INFO, "{} {} in {} ms (execution {}, {})",
                    target.describe(), result.status().label(), result.durationMillis(), result.executionId(),
                    pending.trigger().label());
            return result;
        } finally {
            running.remove(request.executionId());
            if (logContext) {
                RunContext.leave();
            }
        }
    }

    private void refuse(Exchange exchange) {
        PendingLaunch pending = exchange.getProperty(LAUNCH, PendingLaunch.class);
        if (pending.trigger() == Trigger.SCHEDULE) {
            recorder.skipped(pending.executionId(), pending.target(), pending.trigger(), pending.scheduledAt(),
                    FlowMetrics.SkipReason.LOCKED, "the previous run of the flow was still going (locked)");
            LOG.info("{}: scheduled fire skipped, the flow is locked", pending.target().describe());
        }
        pending.admission().complete(new Refusal(Refusal.Kind.LOCKED,
                pending.target().describe() + " is already running (locked)"));
    }

    /** Aborts a running execution, or a queued one (out of its queue, recorded aborted); false when neither here. */
    public boolean abort(String executionId) {
        LaunchRequest request = running.get(executionId);
        if (request == null) {
            return queue.abort(executionId);
        }
        request.cancellation().cancel(RunStatus.ABORTED);
        return true;
    }

    public boolean isRunning(String executionId) {
        return running.containsKey(executionId);
    }

    /**
     * What a run going on in this process did so far (kept in memory: its step rows are written when it ends);
     * empty when it is not running here, or has not reached its flow's first step yet.
     */
    public Optional<RunProgress> progress(String executionId) {
        LaunchRequest request = running.get(executionId);
        FlowRun run = request == null ? null : request.run();
        return run == null ? Optional.empty() : Optional.of(run.progress());
    }

    /** The steps a run going on in this process finished so far (see {@link #progress}). */
    public Optional<List<StepRecord>> liveSteps(String executionId) {
        return progress(executionId).map(RunProgress::steps);
    }

    public List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    /** How many launches of concurrency: queue flows wait for their lock now. */
    public int queuedCount() {
        return queue.size();
    }

    /** Stops admitting runs, lets running ones finish for up to {@code grace}, then aborts the rest. */
    public void shutdown(Duration grace) {
        accepting = false;
        queue.stop(); // the waiters stay queued in the history: the next start runs them
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

    /** The launch route's endpoint, looked up once (a lookup by URI normalizes it at every launch). */
    private Endpoint launchEndpoint(String uri) {
        Endpoint endpoint = endpoints.get(uri);
        if (endpoint == null) {
            endpoint = engine.camelContext().getEndpoint(uri);
            endpoints.put(uri, endpoint);
        }
        return endpoint;
    }

    private synchronized ProducerTemplate producer() {
        if (producer == null) {
            CamelContext camel = engine.camelContext();
            producer = camel.createProducerTemplate();
        }
        return producer;
    }

    /** The flow of a history row, to record the end of a queued launch whose flow is no longer deployed. */
    private record NamedTarget(Execution row) implements LaunchTarget {
        @Override
        public String id() {
            return row.flowPath();
        }

        @Override
        public String name() {
            return row.flowName();
        }

        @Override
        public Concurrency concurrency() {
            return Concurrency.QUEUE;
        }

        @Override
        public Duration defaultTimeout() {
            return Duration.ZERO;
        }

        @Override
        public RunResult run(LaunchRequest request, Duration timeout) {
            throw new IllegalStateException("not deployed");
        }
    }

    /**
     * A deployed flow, run by the engine; its id (its path) is the lock key. With a {@code failure}, no step runs: the
     * run is recorded failed with it ({@link #launchFailed}).
     */
    private record FlowTarget(FlowDefinition flow, FlowEngine engine, String failure) implements LaunchTarget {

        FlowTarget(FlowDefinition flow, FlowEngine engine) {
            this(flow, engine, null);
        }

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
            if (failure != null) {
                throw new IllegalArgumentException(failure);
            }
            return engine.run(flow, request, timeout);
        }
    }
}
