package io.octoflow.operations;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.octoflow.execution.RunResult;
import io.octoflow.flow.FlowDefinition;

/**
 * An admitted launch: the run's id at once, its result when it ends.
 *
 * @param timeout how long the run may take; {@link #await()} waits that long and a grace more
 */
public record Launched(String executionId, FlowDefinition flow, Duration timeout, CompletableFuture<RunResult> done) {

    /** What {@link #await()} waits beyond the run's timeout, for the run to be stopped and recorded. */
    static final Duration GRACE = Duration.ofSeconds(15);

    /**
     * The run's result once it ended; empty when it still runs after its timeout and {@link #GRACE}, or when it did
     * not run here (a queued launch left for the next start by a stop).
     *
     * @throws ExecutionException when the run could not complete (its cause says why)
     */
    public Optional<RunResult> await() throws ExecutionException, InterruptedException {
        try {
            return Optional.ofNullable(done.get(timeout.plus(GRACE).toSeconds(), TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }

    /**
     * As {@link #await()}, without a thread that waits: completes when the run ends (on the thread that ends it), or
     * empty after the run's timeout and {@link #GRACE}; fails when the run could not complete.
     */
    public CompletableFuture<Optional<RunResult>> awaitWithoutThread() {
        return done.copy().completeOnTimeout(null, timeout.plus(GRACE).toSeconds(), TimeUnit.SECONDS)
                .thenApply(Optional::ofNullable);
    }
}
