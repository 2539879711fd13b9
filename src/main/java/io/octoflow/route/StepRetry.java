package io.octoflow.route;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.execution.StepStatus;
import io.octoflow.flow.RetryPolicy;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;

/**
 * A step's {@code retry}: after a failed attempt, decides whether the step runs again, records the attempt
 * ({@code retried}) and waits the backoff's delay. The wait is the run's {@link io.octoflow.execution.Cancellation}:
 * the run's timeout or an abort ends it at once, and the run ends instead of trying again. The step then runs again
 * through the flow's step loop, its {@code when} not asked again, its input read again.
 */
final class StepRetry {

    private static final Logger LOG = LogManager.getLogger(StepRetry.class);

    private StepRetry() {
    }

    /**
     * Whether the failed attempt of {@code step} is followed by another one (the caller then leaves the run at the
     * step); false when the step has no retry, its attempts are spent, {@code on} does not match the error, the run
     * is cancelled, or the error is one of the flow's construction (the same each time).
     */
    static boolean again(FlowRun run, StepDefinition<?> step, Throwable error, Masker masker) {
        RetryPolicy retry = step.retry();
        int attempt = run.attempt();
        if (retry == null || attempt >= retry.maxAttempts() || run.cancellation().isCancelled()
                || constructionError(error)) {
            return false;
        }
        String text = masker.mask(ErrorText.of(error));
        if (!retry.retries(text)) {
            LOG.info("flow '{}' step '{}' attempt {} failed, not retried (retry.on does not match): {}",
                    run.flow().name(), step.name(), attempt, text);
            return false;
        }
        long delay = retry.delayAfter(attempt);
        LOG.info("flow '{}' step '{}' attempt {} of {} failed, next attempt in {} s: {}", run.flow().name(),
                step.name(), attempt, retry.maxAttempts(), delay / 1000.0, text);
        run.record(step.name(), StepStatus.RETRIED, text);
        run.takeJump(); // a goto set by the failed attempt is not taken
        if (delay > 0 && !waited(run, delay)) {
            LOG.info("flow '{}' step '{}': the run ended during the wait before attempt {}", run.flow().name(),
                    step.name(), attempt + 1);
        }
        return true;
    }

    /** Waits up to {@code millis}; false when the run was cancelled meanwhile (its step loop then ends). */
    private static boolean waited(FlowRun run, long millis) {
        try {
            return run.cancellation().sleep(millis);
        } catch (InterruptedException e) {
            // the run's thread is being stopped (the service stops): the run ends as aborted, as the engine does
            Thread.currentThread().interrupt();
            run.cancellation().cancel(RunStatus.ABORTED);
            return false;
        }
    }

    static boolean constructionError(Throwable error) {
        for (Throwable cause = error; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof StepConstructionException) {
                return true;
            }
        }
        return false;
    }
}
