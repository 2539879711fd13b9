package io.octoflow.launch;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;

/**
 * A launch between its request and its run: what to run, with what, for whom; {@code admission} tells the caller
 * whether it was admitted (its row written) and {@code done} the run's outcome.
 */
record PendingLaunch(LaunchTarget target, LaunchRequest request, Trigger trigger, Instant scheduledAt,
        Duration timeout, CompletableFuture<Launcher.Refusal> admission, CompletableFuture<RunResult> done) {

    /** What admission completes with when the launch is admitted (no refusal). */
    static final Launcher.Refusal ADMITTED = null;

    String executionId() {
        return request.executionId();
    }

    /** The same launch with its request started now (a queued launch starts when it gets the lock). */
    PendingLaunch startingNow() {
        return new PendingLaunch(target, new LaunchRequest(request.executionId(), Instant.now(), request.input(),
                request.initialData(), request.event()), trigger, scheduledAt, timeout, admission, done);
    }
}
