package io.octoflow.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.lock.LockStore;
import io.octoflow.metrics.FlowMetrics.SkipReason;

/**
 * The launches of {@code concurrency: queue} flows waiting for their flow's lock: one FIFO per flow, in memory and
 * in the history (each waiter is a {@code queued} row, written before its launch is answered), and no thread per
 * waiter. When a run of the flow ends, the next waiter starts on the launch pool; while someone else holds the lock
 * (another process, {@code octoflow launch}, a run this process lost the lock of), one shared timer tries the heads
 * of the queues again, and records {@code skipped} the waiters that waited past their timeout. At most
 * QUEUE_MAX_WAITING launches wait per flow: one more is refused.
 */
final class LaunchQueue {

    private static final Logger LOG = LogManager.getLogger(LaunchQueue.class);
    /** How often the timer looks at the queues whose head waits for a lock held by someone else. */
    static final Duration RETRY = Duration.ofMillis(50);

    /** Runs a waiter that holds its flow's lock; throws RejectedExecutionException when no thread is free. */
    interface Runner {
        void submit(Runnable run);

        /** Runs the launch (its row already running) and records its end. */
        RunResult run(PendingLaunch launch);
    }

    private final LockStore locks;
    private final ExecutionRecorder recorder;
    private final Runner runner;
    private final int maxWaiting;
    private final Map<String, FlowQueue> queues = new ConcurrentHashMap<>();
    /** Which queue each waiting execution is in, to abort it. */
    private final Map<String, FlowQueue> byExecution = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean starting = true;

    LaunchQueue(LockStore locks, ExecutionRecorder recorder, Runner runner, int maxWaiting) {
        this.locks = locks;
        this.recorder = recorder;
        this.runner = runner;
        this.maxWaiting = maxWaiting;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "octoflow-launch-queue");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::retry, RETRY.toMillis(), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One waiter: its launch, when it was admitted (its row's start, the queue's order) and when it gives up. */
    private record Waiter(PendingLaunch launch, long deadlineNanos) {
    }

    /** One flow's waiters; every change under its monitor. */
    private static final class FlowQueue {
        final String key;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        /** The admission time of the newest waiter: each waiter's is later, so the rows sort in queue order. */
        Instant lastAdmitted = Instant.EPOCH;

        FlowQueue(String key) {
            this.key = key;
        }
    }

    /**
     * Queues a launch: writes its {@code queued} row, then it waits its turn.
     *
     * @return null when admitted; else why not (the queue is full, the row cannot be written)
     */
    Launcher.Refusal offer(PendingLaunch launch) {
        FlowQueue queue = queues.computeIfAbsent(launch.target().id(), FlowQueue::new);
        synchronized (queue) {
            if (!starting) {
                return new Launcher.Refusal(Launcher.Refusal.Kind.STOPPING, "Octoflow is shutting down");
            }
            if (queue.waiting.size() >= maxWaiting) {
                recorder.refused(launch.target(), SkipReason.OVERLOADED);
                return new Launcher.Refusal(Launcher.Refusal.Kind.OVERLOADED, launch.target().describe() + " has "
                        + queue.waiting.size() + " launches waiting for it (concurrency: queue), the most"
                        + " QUEUE_MAX_WAITING=" + maxWaiting + " allows; retry later");
            }
            Instant admitted = Instant.now();
            if (!admitted.isAfter(queue.lastAdmitted)) {
                admitted = queue.lastAdmitted.plusNanos(1000); // the history keeps microseconds
            }
            try {
                recorder.queued(launch.executionId(), launch.target(), launch.trigger(), launch.scheduledAt(), admitted,
                        launch.request().input(), launch.timeout(), launch.request().event());
            } catch (RuntimeException e) {
                LOG.error("{}: the queued launch cannot be recorded: {}", launch.target().describe(), e.getMessage());
                return new Launcher.Refusal(Launcher.Refusal.Kind.NOT_STARTED, launch.target().describe()
                        + " cannot be queued: its history row cannot be written: " + e.getMessage());
            }
            queue.lastAdmitted = admitted;
            add(queue, launch, System.nanoTime() + launch.timeout().toNanos());
        }
        return null;
    }

    /**
     * Queues again a launch a previous process admitted and did not run (its row is {@code queued}), in the order
     * of the calls; its wait counts from {@code admitted}.
     */
    void restore(PendingLaunch launch, Instant admitted) {
        FlowQueue queue = queues.computeIfAbsent(launch.target().id(), FlowQueue::new);
        long waited = Math.max(0, Duration.between(admitted, Instant.now()).toNanos());
        synchronized (queue) {
            if (admitted.isAfter(queue.lastAdmitted)) {
                queue.lastAdmitted = admitted;
            }
            add(queue, launch, System.nanoTime() + launch.timeout().toNanos() - waited);
        }
    }

    private void add(FlowQueue queue, PendingLaunch launch, long deadlineNanos) {
        queue.waiting.addLast(new Waiter(launch, deadlineNanos));
        byExecution.put(launch.executionId(), queue);
        startHead(queue);
    }

    /** Aborts a waiting launch: out of its queue, recorded aborted; false when no launch with that id waits here. */
    boolean abort(String executionId) {
        FlowQueue queue = byExecution.get(executionId);
        if (queue == null) {
            return false;
        }
        synchronized (queue) {
            for (Iterator<Waiter> it = queue.waiting.iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (waiter.launch().executionId().equals(executionId)) {
                    it.remove();
                    byExecution.remove(executionId);
                    end(waiter.launch(), RunStatus.ABORTED, null, "aborted while queued (never ran)");
                    return true;
                }
            }
        }
        return false;
    }

    /** How many launches wait, all flows together. */
    int size() {
        return byExecution.size();
    }

    /** The ids of the launches waiting for the flow {@code key}, in queue order. */
    List<String> waiting(String key) {
        FlowQueue queue = queues.get(key);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            return queue.waiting.stream().map(w -> w.launch().executionId()).toList();
        }
    }

    /**
     * Starts nothing more: the waiters stay {@code queued} in the history, for the next start to run them; their
     * callers are told the launch did not run here (done with null).
     */
    void stop() {
        starting = false;
        timer.shutdownNow();
        for (FlowQueue queue : queues.values()) {
            synchronized (queue) {
                queue.waiting.forEach(w -> w.launch().done().complete(null));
            }
        }
    }

    /** The timer: expired waiters out, then each head tries its lock (its holder may have been another process). */
    private void retry() {
        try {
            for (FlowQueue queue : queues.values()) {
                synchronized (queue) {
                    if (queue.waiting.isEmpty()) {
                        continue;
                    }
                    expire(queue);
                    startHead(queue);
                }
            }
        } catch (RuntimeException e) {
            // the timer must survive anything: a dead timer would leave every waiter waiting forever
            LOG.warn("the launch queue's retry failed: {}", e.toString());
        }
    }

    private void expire(FlowQueue queue) {
        long now = System.nanoTime();
        for (Iterator<Waiter> it = queue.waiting.iterator(); it.hasNext();) {
            Waiter waiter = it.next();
            if (now - waiter.deadlineNanos() > 0) {
                it.remove();
                byExecution.remove(waiter.launch().executionId());
                end(waiter.launch(), RunStatus.SKIPPED, SkipReason.QUEUE_TIMEOUT,
                        "queue timeout: waited for the lock of the flow for its whole timeout ("
                                + waiter.launch().timeout().toSeconds() + " s) and never ran");
                LOG.info("{}: queued launch {} skipped, it waited for the lock until its timeout",
                        waiter.launch().target().describe(), waiter.launch().executionId());
            }
        }
    }

    private void end(PendingLaunch launch, RunStatus status, SkipReason reason, String why) {
        try {
            recorder.endQueued(launch.executionId(), launch.target(), status, reason, why);
        } catch (RuntimeException e) {
            LOG.error("{}: queued launch {} ended {} but cannot be recorded: {}", launch.target().describe(),
                    launch.executionId(), status.label(), e.getMessage());
        }
        Instant now = Instant.now();
        launch.done().complete(new RunResult(launch.executionId(), launch.target().name(), status, null, why,
                List.of(), launch.request().started(), now));
    }

    /** Under the queue's monitor: the head takes the lock and starts on the launch pool, when both are free. */
    private void startHead(FlowQueue queue) {
        if (!starting || queue.waiting.isEmpty()) {
            return;
        }
        Waiter head = queue.waiting.peekFirst();
        PendingLaunch launch = head.launch();
        boolean taken;
        try {
            taken = locks.take(queue.key, launch.executionId());
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot take the lock for queued launch {} (tried again shortly): {}",
                    launch.target().describe(), launch.executionId(), e.getMessage());
            return;
        }
        if (!taken) {
            return; // held: the end of its run, or the timer, tries again
        }
        queue.waiting.pollFirst();
        byExecution.remove(launch.executionId());
        try {
            runner.submit(() -> runHead(queue, launch));
        } catch (RejectedExecutionException e) {
            // every launch thread is busy: wait at the head, the timer tries again
            queue.waiting.addFirst(head);
            byExecution.put(launch.executionId(), queue);
            locks.release(queue.key, launch.executionId());
        }
    }

    /** On a launch thread, lock held: the row becomes running, the run goes, the lock goes to the next waiter. */
    private void runHead(FlowQueue queue, PendingLaunch waited) {
        PendingLaunch launch = waited.startingNow();
        RunResult result = null;
        try {
            if (recorder.dequeued(launch.executionId(), launch.target(), launch.trigger(), launch.scheduledAt(),
                    launch.request().started())) {
                result = runner.run(launch);
            } else {
                LOG.warn("{}: queued launch {} has no queued row any more; not run", launch.target().describe(),
                        launch.executionId());
            }
        } catch (RuntimeException e) {
            LOG.error("{}: queued launch {} could not run: {}", launch.target().describe(), launch.executionId(),
                    e.getMessage());
        } finally {
            locks.release(queue.key, launch.executionId());
            synchronized (queue) {
                startHead(queue);
            }
            launch.done().complete(result);
        }
    }
}
