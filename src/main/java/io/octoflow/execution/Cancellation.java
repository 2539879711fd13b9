package io.octoflow.execution;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Shared by a run and its sub-flows: set once when the run times out or is aborted; wakes sleeping steps and runs
 * the actions steps registered to stop work that does not look at the flag (an HTTP call blocked on a socket).
 */
public final class Cancellation {

    private final CountDownLatch signal = new CountDownLatch(1);
    private final Set<Runnable> onCancel = ConcurrentHashMap.newKeySet();
    private volatile RunStatus reason;

    public void cancel(RunStatus why) {
        if (reason == null) {
            reason = why;
        }
        signal.countDown();
        onCancel.forEach(Cancellation::runQuietly);
    }

    public boolean isCancelled() {
        return reason != null;
    }

    public RunStatus reason() {
        return reason;
    }

    /** Sleeps up to {@code millis}; returns false when the run was cancelled meanwhile. */
    public boolean sleep(long millis) throws InterruptedException {
        return !signal.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code action} when the run is cancelled (at once when it already is), until the returned registration
     * is closed. The action may run twice (it must be idempotent) and runs on the cancelling thread.
     */
    public Registration whenCancelled(Runnable action) {
        onCancel.add(action);
        if (isCancelled()) {
            runQuietly(action);
        }
        return () -> onCancel.remove(action);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            // one action failing must not keep the others from stopping their work
        }
    }

    /** An action registered with {@link #whenCancelled}; closing it unregisters it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
