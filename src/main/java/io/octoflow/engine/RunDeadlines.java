package io.octoflow.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.Cancellation;
import io.octoflow.execution.RunStatus;

/**
 * Times runs out: one thread that cancels each run in progress ({@link Cancellation#cancel} with
 * {@link RunStatus#TIMEOUT}) when its deadline passes, so that the run itself can go on the caller's thread. The
 * thread sleeps until the earliest deadline and is woken only by a run whose deadline comes before it: with the
 * usual equal timeouts a run costs a set insertion and removal, no wake-up of another thread.
 */
final class RunDeadlines implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(RunDeadlines.class);
    /** The longest sleep when no run is in progress (a later run wakes the thread when it needs it sooner). */
    private static final long IDLE_NANOS = TimeUnit.HOURS.toNanos(1);

    /** A run being timed; identity matters (two runs may share everything else). */
    static final class Watch {
        private final Cancellation cancellation;
        private final long deadline;
        private final String flow;
        private final long seconds;

        private Watch(Cancellation cancellation, long deadline, String flow, long seconds) {
            this.cancellation = cancellation;
            this.deadline = deadline;
            this.flow = flow;
            this.seconds = seconds;
        }
    }

    private final Set<Watch> running = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** When the thread wakes next (System.nanoTime), valid while {@link #scanning} is false. */
    private volatile long wakeAt;
    /** True while the thread walks the runs: a run added meanwhile wakes it (it may have been missed). */
    private volatile boolean scanning = true;
    private volatile boolean closed;

    RunDeadlines() {
        thread = new Thread(this::loop, "octoflow-run-timeouts");
        thread.setDaemon(true);
        thread.start();
    }

    /** Times out {@code cancellation} after {@code timeoutNanos}; the caller closes the watch when the run ends. */
    Watch watch(Cancellation cancellation, long timeoutNanos, String flow, long seconds) {
        long now = System.nanoTime();
        long deadline = now + Math.min(timeoutNanos, Long.MAX_VALUE / 4);
        Watch watch = new Watch(cancellation, deadline, flow, seconds);
        running.add(watch);
        if (scanning || deadline - wakeAt < 0) {
            LockSupport.unpark(thread);
        }
        return watch;
    }

    void done(Watch watch) {
        running.remove(watch);
    }

    private void loop() {
        while (!closed) {
            scanning = true;
            long now = System.nanoTime();
            long next = now + IDLE_NANOS;
            for (Watch each : running) {
                if (each.deadline - now <= 0) {
                    running.remove(each);
                    expire(each);
                } else if (each.deadline - next < 0) {
                    next = each.deadline;
                }
            }
            wakeAt = next;
            scanning = false;
            LockSupport.parkNanos(this, next - now);
        }
    }

    private static void expire(Watch watch) {
        try {
            if (!watch.cancellation.isCancelled()) {
                LOG.warn("flow '{}' timed out after {} s", watch.flow, watch.seconds);
            }
            watch.cancellation.cancel(RunStatus.TIMEOUT); // wakes a sleep, aborts a rest call, stops jq
        } catch (RuntimeException e) {
            LOG.warn("cancelling the run of flow '{}' at its timeout", watch.flow, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
