package io.octoflow.step;

import io.octoflow.execution.Cancellation;
import io.octoflow.execution.RunStatus;

/**
 * What one jq evaluation may still do: a count of steps (built-in function calls and the values they emit) against
 * {@code JQ_MAX_STEPS}, and the run's cancellation, looked at on every step. Set on the evaluating thread for the
 * evaluation's length, where the checked built-ins of {@link JqRuntime} find it.
 */
final class JqBudget {

    private static final ThreadLocal<JqBudget> CURRENT = new ThreadLocal<>();

    private final long maxSteps;
    private final Cancellation cancellation;
    private long steps;

    JqBudget(long maxSteps, Cancellation cancellation) {
        this.maxSteps = maxSteps;
        this.cancellation = cancellation;
    }

    static JqBudget current() {
        return CURRENT.get();
    }

    /** Makes this the budget of the evaluation about to run on this thread; {@link #leave} when it is over. */
    void enter() {
        CURRENT.set(this);
    }

    static void leave() {
        CURRENT.remove();
    }

    long steps() {
        return steps;
    }

    /** One more step; throws when the budget is spent or the run was cancelled. */
    void step() {
        if (++steps > maxSteps) {
            throw new JqLimitException("jq program stopped after " + maxSteps + " steps (JQ_MAX_STEPS: built-in"
                    + " calls and the values they make); an endless generator such as range(1e12) or repeat?");
        }
        if (cancellation != null && cancellation.isCancelled()) {
            throw new JqLimitException("jq program stopped: the run "
                    + (cancellation.reason() == RunStatus.TIMEOUT ? "timed out" : "was aborted"));
        }
    }

    /**
     * A jq program stopped by a limit. Not a JsonQueryException on purpose: jq's {@code try}, {@code ?} and
     * {@code //} catch those, and a program must not be able to swallow its own limit and carry on.
     */
    static final class JqLimitException extends RuntimeException {
        JqLimitException(String message) {
            super(message);
        }
    }
}
