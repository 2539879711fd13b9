package io.octoflow.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;
import io.octoflow.execution.StepStatus;

/**
 * Octoflow's own meters ({@code octoflow_*} in Prometheus). Labels are bounded: flow names, step names, file
 * paths of the flows directory, statuses and a few skip reasons; never execution ids or data values. A flow's
 * series carry its {@code flow} name and its {@code path}: the path identifies it (files may share a name).
 */
public final class FlowMetrics {

    /** Why a run did not happen; the label values of {@code octoflow_flow_skipped_total}. */
    public enum SkipReason {
        /** a scheduled fire found the previous run still going */
        LOCKED("locked"),
        /** concurrency: queue waited for the lock until the run's timeout */
        QUEUE_TIMEOUT("queue_timeout"),
        /** a scheduled fire of a paused flow */
        PAUSED("paused"),
        /** Octoflow was at a bound: every launch thread busy (LAUNCH_MAX_THREADS) or the queue full (QUEUE_MAX_WAITING) */
        OVERLOADED("overloaded");

        private final String label;

        SkipReason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Buckets of octoflow_flow_duration_seconds: from a few ms to an hour, as runs of scheduled flows go. */
    private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1)};

    /** The statuses a run ends with: the label values of {@code octoflow_flow_executions_total}. */
    private static final List<RunStatus> ENDINGS = List.of(RunStatus.SUCCESS, RunStatus.EXIT, RunStatus.FAILED,
            RunStatus.TIMEOUT, RunStatus.ABORTED);

    private final MeterRegistry registry;
    /** Gauges read these, by flow path; Micrometer holds gauge targets weakly, so they live here. */
    private final Map<String, AtomicLong> lastSuccessMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagMicros = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> invalidFiles = new ConcurrentHashMap<>();
    /** The counters and timers runs update (started, ended, durations, step durations), by path: {@link #perRun}. */
    private final Map<String, Map<String, Meter>> runMeters = new ConcurrentHashMap<>();

    public FlowMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** {@code octoflow_locks_held}: read at each scrape. */
    public void locksHeld(Supplier<Number> count) {
        Gauge.builder("octoflow.locks.held", count).description("Flows locked (running) now").register(registry);
    }

    /**
     * A run started: counted by what started it ({@code octoflow_flow_started_total}: schedule, api, webhook,
     * file, flow...); a scheduled run's lag is the start minus the fire time Quartz scheduled it for.
     */
    public void started(String flow, String path, String trigger, Instant scheduledAt, Instant startedAt) {
        this.<Counter>perRun(path, "started\u0000" + flow + '\u0000' + trigger, () -> Counter
                .builder("octoflow.flow.started").description("Runs started, by what started them")
                .tags("flow", flow, "path", path, "trigger", trigger).register(registry)).increment();
        if (scheduledAt == null || !"schedule".equals(trigger)) {
            return;
        }
        long micros = Math.max(0, Duration.between(scheduledAt, startedAt).toNanos() / 1000);
        lagMicros.computeIfAbsent(path, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("octoflow.schedule.lag", value, v -> v.get() / 1e6).baseUnit("seconds")
                    .tags("flow", flow, "path", path)
                    .description("Start of the latest scheduled run minus its scheduled fire time")
                    .register(registry);
            return value;
        }).set(micros);
    }

    /**
     * A flow (or a Loop) was deployed: its counters and its duration histogram exist from now on, at 0 for each
     * status and each skip reason. Prometheus' {@code rate()} and {@code increase()} see a series' first increment
     * only if the series was scraped before it: a counter born at 1 hides a flow's first failure.
     */
    public void deployed(String flow, String path) {
        deployed(flow, path, List.of());
    }

    /** As {@link #deployed(String, String)}, with {@code octoflow_step_retries_total} at 0 for each step that retries. */
    public void deployed(String flow, String path, List<String> retryingSteps) {
        if (preregistered(flow, path, retryingSteps)) {
            return;
        }
        register(flow, path, retryingSteps);
    }

    /** A flow about to be deployed, for {@link #preregister}. */
    public record Deploying(String flow, String path, List<String> retryingSteps) {
    }

    /** The meters being registered ahead by {@link #preregister}, and those it registered not yet deployed. */
    private Thread preregistering;
    private final java.util.Set<Deploying> registeredAhead = ConcurrentHashMap.newKeySet();

    /**
     * Starts registering the meters of many flows about to be deployed (the start-up's thousands) on another
     * thread, while the deployment does its other work; {@link #deployed} of each then waits for it and finds its
     * meters there, so that they still exist, at 0, from the flow's deployment on.
     */
    public synchronized void preregister(List<Deploying> flows) {
        awaitPreregistration();
        Thread thread = new Thread(() -> {
            try {
                for (Deploying flow : flows) {
                    register(flow.flow(), flow.path(), flow.retryingSteps());
                    registeredAhead.add(flow);
                    synchronized (registeredAhead) {
                        registeredAhead.notifyAll(); // a deployment may wait for this one
                    }
                }
            } finally {
                synchronized (registeredAhead) {
                    registeredAhead.notifyAll();
                }
            }
        }, "octoflow-metrics-preregistration");
        thread.setDaemon(true);
        preregistering = thread;
        thread.start();
    }

    /** True when the meters of this deployment were registered ahead ({@link #preregister}); waits for them. */
    private boolean preregistered(String flow, String path, List<String> retryingSteps) {
        Deploying deploying = new Deploying(flow, path, retryingSteps);
        Thread thread;
        synchronized (this) {
            if (preregistering == null && registeredAhead.isEmpty()) {
                return false;
            }
            thread = preregistering;
        }
        if (thread != null) {
            awaitRegistered(deploying, thread);
        }
        return registeredAhead.remove(deploying);
    }

    /**
     * Waits until this flow's meters are registered ahead (or the thread registering them ended): the deployments
     * come in the order of {@link #preregister}, so each waits only for its own, not for all of them, and the
     * deploying thread does its other work (MBeans, triggers) while the meters of the next flows are registered.
     */
    private void awaitRegistered(Deploying deploying, Thread thread) {
        boolean interrupted = false;
        synchronized (registeredAhead) {
            while (!registeredAhead.contains(deploying) && thread.isAlive()) {
                try {
                    registeredAhead.wait(100);
                } catch (InterruptedException e) {
                    interrupted = true; // the meters must exist before the flow is deployed: wait anyway
                }
            }
        }
        if (!thread.isAlive()) {
            synchronized (this) {
                if (preregistering == thread) {
                    preregistering = null;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitPreregistration() {
        if (preregistering == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                preregistering.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the meters must exist before the flow is deployed: wait anyway
            }
        }
        preregistering = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void register(String flow, String path, List<String> retryingSteps) {
        for (String step : retryingSteps) {
            retries(flow, path, step);
        }
        for (RunStatus status : ENDINGS) {
            executions(flow, path, status);
        }
        for (SkipReason reason : SkipReason.values()) {
            skips(flow, path, reason);
        }
        duration(flow, path);
    }

    public void finished(String flow, String path, RunResult result) {
        this.<Counter>perRun(path, "ended\u0000" + flow + '\u0000' + result.status().label(),
                () -> executions(flow, path, result.status())).increment();
        this.<Timer>perRun(path, "duration\u0000" + flow, () -> duration(flow, path))
                .record(result.durationMillis(), TimeUnit.MILLISECONDS);
        for (StepRecord step : result.steps()) {
            stepDuration(flow, path, step.step()).record(step.durationMicros(), TimeUnit.MICROSECONDS);
            if (StepStatus.RETRIED.label().equals(step.status())) {
                retries(flow, path, step.step()).increment();
            }
        }
        if (result.status().ok()) {
            lastSuccess(flow, path, result.ended());
        }
    }

    /**
     * {@code octoflow_step_duration_seconds} of a step, kept by path once registered: every run records each of its
     * steps, and a registration by tags sorts and hashes them each time (the series of a removed flow go with it).
     */
    private Timer stepDuration(String flow, String path, String step) {
        return perRun(path, "step\u0000" + flow + '\u0000' + step, () -> Timer.builder("octoflow.step.duration")
                .description("How long each step took").tags("flow", flow, "path", path, "step", step)
                .register(registry));
    }

    private Counter retries(String flow, String path, String step) {
        return Counter.builder("octoflow.step.retries").description("Failed attempts of steps that were run again"
                + " (retry)").tags("flow", flow, "path", path, "step", step).register(registry);
    }

    /** {@code octoflow_flow_last_success_timestamp_seconds}; also set at start from the history. */
    public void lastSuccess(String flow, String path, Instant ended) {
        lastSuccessMillis.computeIfAbsent(path, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("octoflow.flow.last.success.timestamp", value, v -> v.get() / 1000.0).baseUnit("seconds")
                    .tags("flow", flow, "path", path).description("When the latest successful run ended (Unix time)")
                    .register(registry);
            return value;
        }).accumulateAndGet(ended.toEpochMilli(), Math::max);
    }

    public void skipped(String flow, String path, SkipReason reason) {
        skips(flow, path, reason).increment();
    }

    /**
     * A meter a run updates, kept by path once registered: a registration by tags sorts and hashes them at every
     * run.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M perRun(String path, String key, Supplier<M> register) {
        Map<String, Meter> meters = runMeters.computeIfAbsent(path, p -> new ConcurrentHashMap<>());
        Meter meter = meters.get(key);
        if (meter == null) {
            meter = register.get();
            meters.put(key, meter);
        }
        return (M) meter;
    }

    private Counter executions(String flow, String path, RunStatus status) {
        return Counter.builder("octoflow.flow.executions").description("Runs that ended, by status")
                .tags("flow", flow, "path", path, "status", status.label()).register(registry);
    }

    private Timer duration(String flow, String path) {
        return Timer.builder("octoflow.flow.duration").description("How long runs took")
                .tags("flow", flow, "path", path).serviceLevelObjectives(DURATION_BUCKETS).register(registry);
    }

    private Counter skips(String flow, String path, SkipReason reason) {
        return Counter.builder("octoflow.flow.skipped").description("Runs that did not happen, by reason")
                .tags("flow", flow, "path", path, "reason", reason.label()).register(registry);
    }

    /** {@code octoflow_flow_invalid{file}}: 1 while the file does not validate, 0 once it does. */
    public void fileValidity(String file, boolean valid) {
        invalidFiles.computeIfAbsent(file, name -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("octoflow.flow.invalid", value, AtomicLong::get).tag("file", name)
                    .description("1 while a file of the flows directory does not validate").register(registry);
            return value;
        }).set(valid ? 0 : 1);
    }

    /** A file left the flows directory: its series go. */
    public void fileRemoved(String file) {
        if (invalidFiles.remove(file) != null) {
            removeWhere("file", file);
        }
    }

    /** The flow at {@code path} is gone (or renamed): its series go too, so that old ones do not pile up. */
    public void flowRemoved(String path) {
        runMeters.remove(path);
        lastSuccessMillis.remove(path);
        lagMicros.remove(path);
        removeWhere("path", path);
    }

    private void removeWhere(String tag, String value) {
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            if (name.startsWith("octoflow.") && value.equals(meter.getId().getTag(tag))) {
                registry.remove(meter);
            }
        }
    }
}
