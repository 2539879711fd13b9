package io.octoflow.execution;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Shared by a run and its sub-flows: set once when the run times out or is aborted; wakes sleeping steps. */
public final class Cancellation {

    private final CountDownLatch signal = new CountDownLatch(1);
    private volatile RunStatus reason;

    public void cancel(RunStatus why) {
        if (reason == null) {
            reason = why;
        }
        signal.countDown();
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
}
