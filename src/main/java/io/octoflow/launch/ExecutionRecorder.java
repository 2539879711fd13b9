package io.octoflow.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.Trigger;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionData;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.QueuedLaunch;
import io.octoflow.metrics.FlowMetrics;
import io.octoflow.metrics.FlowMetrics.SkipReason;
import io.octoflow.secret.Masker;

/** Writes runs to the execution store (input and final data as JSON, secrets masked) and counts them in the metrics. */
public final class ExecutionRecorder {

    private static final Logger LOG = LogManager.getLogger(ExecutionRecorder.class);
    /** How long a run whose caller waits may go without a row (see {@link #startedQuietly}). */
    static final Duration QUIET_START = Duration.ofMillis(200);
    /** How often the running rows of quiet runs past QUIET_START are written, while there are quiet runs. */
    private static final Duration SWEEP = Duration.ofMillis(50);

    private final ExecutionRepository store;
    private final Masker masker;
    private final FlowMetrics metrics;
    /** Cluster mode: this replica's id, the owner of the running and queued rows it writes; null outside it. */
    private final String replica;
    /** Told the flow's path (its id) once a run's final row is written (Flow resources refresh their status). */
    private final List<Consumer<String>> recorded = new CopyOnWriteArrayList<>();
    /** Told each run's outcome once its final row is written (flows triggered by another flow's end). */
    private final List<RunEnded> ended = new CopyOnWriteArrayList<>();
    /** Runs started by {@link #startedQuietly} whose end is not recorded yet, by execution id. */
    private final Map<String, QuietRun> quiet = new ConcurrentHashMap<>();
    /** The input of each run started by {@link #started} and not ended yet, by execution id (see {@link RunInput}). */
    private final Map<String, RunInput> inputs = new ConcurrentHashMap<>();
    /** Writes the running rows of quiet runs that outlast QUIET_START; started on first use. */
    private ScheduledExecutorService rowWriter;
    /** A {@link #sweep} is scheduled. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public ExecutionRecorder(ExecutionRepository store, Masker masker, FlowMetrics metrics) {
        this(store, masker, metrics, null);
    }

    /** @param replica cluster mode: this replica's id, recorded as the owner of its running and queued rows */
    public ExecutionRecorder(ExecutionRepository store, Masker masker, FlowMetrics metrics, String replica) {
        this.store = store;
        this.masker = masker;
        this.metrics = metrics;
        this.replica = replica;
    }

    /** {@code listener} gets the flow's path after each finished or skipped run is stored; it must be quick. */
    public void onRecorded(Consumer<String> listener) {
        recorded.add(listener);
    }

    /** What a listener of run ends gets: the flow's path (its id) and name, and the run's outcome. */
    public interface RunEnded {
        void ended(String flowPath, String flowName, RunResult result);
    }

    /** {@code listener} gets each run's outcome after its final row is stored; it must be quick. */
    public void onRunEnded(RunEnded listener) {
        ended.add(listener);
    }

    private void recorded(String flowPath) {
        for (Consumer<String> listener : recorded) {
            try {
                listener.accept(flowPath);
            } catch (RuntimeException e) {
                LOG.warn("a listener of recorded runs failed: {}", e.toString());
            }
        }
    }

    /**
     * A run whose caller waits for its end ({@code ?wait=true}) and is told nothing before: no row yet. A run that
     * ends within {@link #QUIET_START} is written once, whole, by {@link #finished} (one transaction instead of two,
     * and no flush of its start to the file); a longer one gets its {@code running} row then, as {@link #started}
     * writes it, so that the history and the console show it while it runs. A kill -9 meanwhile leaves no row: no one
     * was told about the run (its caller's connection breaks).
     */
    void startedQuietly(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt,
            Instant startedAt, Object input) {
        Object masked = mask(input);
        QuietRun run = new QuietRun(new Execution(executionId, target.name(), target.id(), trigger.label(),
                scheduledAt, startedAt, null, "running", null, write(masked), null, List.of()), RunInput.of(masked),
                System.nanoTime());
        metrics.started(target.name(), target.id(), trigger.label(), scheduledAt, startedAt);
        quiet.put(executionId, run);
        if (sweeping.compareAndSet(false, true)) {
            rowWriter().schedule(this::sweep, SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Every {@link #SWEEP} while quiet runs go on: the running rows of those past QUIET_START. One timer for all of
     * them, not one per run: each run's own timer woke the timer thread once per run (issue 17, fourth session).
     */
    private void sweep() {
        long now = System.nanoTime();
        for (QuietRun run : quiet.values()) {
            if (now - run.startedNanos >= QUIET_START.toNanos()) {
                writeRunningRow(run);
            }
        }
        sweeping.set(false);
        if (!quiet.isEmpty() && sweeping.compareAndSet(false, true)) {
            rowWriter().schedule(this::sweep, SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The run is still going after QUIET_START: its running row now (unless its end was recorded meanwhile). */
    private void writeRunningRow(QuietRun run) {
        synchronized (run) {
            if (run.ended || run.tried) {
                return;
            }
            run.tried = true;
            try {
                store.started(run.row, replica);
                run.written = true;
            } catch (RuntimeException e) {
                // tried again with the end: the run's row is then written whole
                LOG.warn("execution {}: its running row cannot be written yet: {}", run.row.id(), e.getMessage());
            }
        }
    }

    private synchronized ScheduledExecutorService rowWriter() {
        if (rowWriter == null) {
            ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "octoflow-running-rows");
                t.setDaemon(true);
                return t;
            });
            rowWriter = writer;
        }
        return rowWriter;
    }

    void started(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt, Instant startedAt,
            Object input) {
        Object masked = mask(input);
        store.started(new Execution(executionId, target.name(), target.id(), trigger.label(), scheduledAt, startedAt,
                null, "running", null, write(masked), null, List.of()), replica);
        RunInput kept = RunInput.of(masked);
        if (kept != null) {
            inputs.put(executionId, kept); // removed by finished, which every started run reaches
        }
        metrics.started(target.name(), target.id(), trigger.label(), scheduledAt, startedAt);
    }

    /** A launch admitted to wait for the flow's lock: its {@code queued} row, written before the launch is answered. */
    void queued(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt, Instant admittedAt,
            Object input, Duration timeout, Map<String, Object> event) {
        store.queued(new Execution(executionId, target.name(), target.id(), trigger.label(), scheduledAt, admittedAt,
                null, Execution.QUEUED, null, toJson(input), null, List.of()), timeout, replica,
                event == null ? null : toJson(event));
    }

    /** A queued launch got its lock: its row becomes running; false when the row is no longer queued. */
    boolean dequeued(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt, Instant startedAt) {
        boolean moved = store.dequeued(executionId, startedAt);
        if (moved) {
            metrics.started(target.name(), target.id(), trigger.label(), scheduledAt, startedAt);
        }
        return moved;
    }

    /** A queued launch that never ran: skipped (queue timeout), aborted, or failed (it cannot run any more). */
    void endQueued(String executionId, LaunchTarget target, RunStatus status, SkipReason reason, String why) {
        store.endQueued(executionId, status.label(), why);
        if (reason != null) {
            metrics.skipped(target.name(), target.id(), reason);
        }
        recorded(target.id());
    }

    /**
     * A launch that could not start (its lock or thread could not be had, say): a {@code failed} row with the error,
     * so that nothing fired or admitted vanishes without a trace. A database that cannot take it is only logged.
     */
    void failedToStart(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt, Object input,
            String error) {
        Instant now = Instant.now();
        try {
            store.recordDurably(new Execution(executionId, target.name(), target.id(), trigger.label(), scheduledAt,
                    now, now, Execution.FAILED, error, toJson(input), null, List.of())); // its caller is told next
            metrics.finished(target.name(), target.id(), new RunResult(executionId, target.name(), RunStatus.FAILED,
                    null, error, List.of(), now, now));
            recorded(target.id());
        } catch (RuntimeException e) {
            LOG.error("{}: execution {} could not start ({}) and cannot be recorded: {}", target.describe(),
                    executionId, error, e.getMessage());
        }
    }

    /** The launches left {@code queued} in the history, in queue order (a restart runs them). */
    List<QueuedLaunch> queuedLaunches() {
        return store.queuedLaunches();
    }

    /** A launch refused because Octoflow is at a bound (launch pool or queue full); counted, not recorded. */
    void refused(LaunchTarget target, SkipReason reason) {
        metrics.skipped(target.name(), target.id(), reason);
    }

    void finished(LaunchTarget target, RunResult result) {
        QuietRun run = quiet.remove(result.executionId());
        if (run == null) {
            // committed (every later read sees it), in the file within H2's write delay: a flush for every batch of
            // these too made the writer the bottleneck of 100 schedules a second on a loaded machine
            store.finished(result.executionId(), result.status().label(), result.ended(), result.error(),
                    dataJson(result.data(), inputs.remove(result.executionId())), result.steps());
        } else {
            // its caller is told the end next: durable before that (one flush for the writer's whole batch)
            boolean written;
            synchronized (run) {
                run.ended = true; // the row writer leaves it alone from now on
                written = run.written;
            }
            Execution e = run.row;
            String data = dataJson(result.data(), run.input);
            if (written) {
                store.finishedDurably(e.id(), result.status().label(), result.ended(), result.error(), data,
                        result.steps());
            } else {
                store.recordDurably(new Execution(e.id(), e.flowName(), e.flowPath(), e.trigger(), e.scheduledAt(),
                        e.startedAt(), result.ended(), result.status().label(), result.error(), e.input(), data,
                        result.steps()));
            }
        }
        metrics.finished(target.name(), target.id(), result);
        recorded(target.id());
        for (RunEnded listener : ended) {
            try {
                listener.ended(target.id(), target.name(), result);
            } catch (RuntimeException e) {
                LOG.warn("a listener of run ends failed: {}", e.toString());
            }
        }
    }

    void skipped(String executionId, LaunchTarget target, Trigger trigger, Instant scheduledAt, SkipReason reason,
            String why) {
        Instant now = Instant.now();
        store.record(new Execution(executionId, target.name(), target.id(), trigger.label(), scheduledAt, now, now,
                "skipped", why, null, null, List.of()));
        metrics.skipped(target.name(), target.id(), reason);
        recorded(target.id());
    }

    /** A quiet run's row, kept here until it is written (after QUIET_START) or recorded whole (at its end). */
    private static final class QuietRun {
        final Execution row;
        final RunInput input;
        final long startedNanos;
        /**
         * Guarded by the run: its running row is in the store / was tried / its end has been taken by
         * {@link #finished}.
         */
        boolean written;
        boolean tried;
        boolean ended;

        QuietRun(Execution row, RunInput input, long startedNanos) {
            this.row = row;
            this.input = input;
            this.startedNanos = startedNanos;
        }
    }

    /**
     * The final data as JSON: without {@code __input__} ({@link ExecutionData#withoutInput}) when its content is the
     * run's input as its row holds it (the fingerprint of the masked input at the start; the engine hands over the
     * data masked), which the history then stores once, in the input column; whole otherwise (a flow that replaced
     * __input__ or changed it in place). Besides the bytes stored, the input is serialized and masked once, not twice.
     */
    private String dataJson(Map<String, Object> data, RunInput input) {
        if (input == null || data == null || !data.containsKey(FlowRun.INPUT)) {
            return toJson(data);
        }
        // no need to mask it first: the same fingerprint means the same content as the masked input of the row
        if (InputFingerprint.of(data.get(FlowRun.INPUT)) != input.fingerprint()) {
            return toJson(data);
        }
        Map<String, Object> rest = new LinkedHashMap<>(data);
        rest.remove(FlowRun.INPUT);
        String json = toJson(rest);
        return json != null && json.startsWith("{") ? ExecutionData.withoutInput(json) : toJson(data);
    }

    /**
     * The {@link InputFingerprint} of a run's masked input when its row was written: at its end, a data whose
     * {@code __input__} has the same one holds the same input (a step may change it in place: jira_names_merge
     * changes the issues it merges, as the spooler's).
     */
    private record RunInput(long fingerprint) {

        /** Null for no input, or one whose content cannot be fingerprinted (its data is then written whole). */
        static RunInput of(Object maskedInput) {
            if (maskedInput == null) {
                return null;
            }
            long fingerprint = InputFingerprint.of(maskedInput);
            return fingerprint == InputFingerprint.UNKNOWN ? null : new RunInput(fingerprint);
        }
    }

    private Object mask(Object value) {
        return value == null ? null : masker.maskValue(value);
    }

    private String toJson(Object value) {
        return write(mask(value));
    }

    /** {@code masked} as JSON. */
    private String write(Object masked) {
        if (masked == null) {
            return null;
        }
        try {
            return json.writeValueAsString(masked);
        } catch (JsonProcessingException e) {
            LOG.warn("cannot serialize run data: {}", e.getOriginalMessage());
            return "{\"_unserializable\": true}";
        }
    }
}
