package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;
import io.octoflow.step.StepPipeline;

/**
 * The flow's step loop, between two steps, in one call (the loop's condition: no processor of its own, so the
 * bookkeeping costs Camel no processor call per step): the step that just ran without an error stores its result
 * (the body) under its result_key and moves the run on; then the next step is picked, skipping steps whose
 * {@code when} is false (recorded as skipped), and its input (its {@code data_key} value) goes in the body. False
 * when no step remains, or the run was cancelled or exited. A step that failed was settled by its doCatch
 * ({@link StepFailure}), which leaves no step current. An error while picking belongs to the step, like any other.
 */
final class NextStep implements Predicate {

    private final Masker masker;

    NextStep(Masker masker) {
        this.masker = masker;
    }

    @Override
    public boolean matches(Exchange exchange) {
        if (exchange.getException() != null) {
            return false; // an error escaped a step's doCatch: the loop ends, the route fails (as before)
        }
        FlowRun run = FlowRun.of(exchange);
        int finished = run.current();
        if (finished >= 0) {
            StepDefinition<?> step = run.flow().steps().get(finished);
            try {
                StepPipeline.storeResult(step, run, exchange.getMessage().getBody());
                StepOutcome.succeeded(run, step);
            } catch (RuntimeException e) {
                StepOutcome.failed(run, step, e, masker);
            }
            exchange.getMessage().setBody(null);
        }
        return select(exchange, run);
    }

    /** Picks the step to run next (see the class comment); false when there is none. */
    private boolean select(Exchange exchange, FlowRun run) {
        run.current(-1);
        while (run.hasNextStep()) {
            int index = run.pc();
            StepDefinition<?> step = run.flow().steps().get(index);
            run.current(index);
            run.stepStarted();
            try {
                // a retried step runs again whatever its when says now: the attempt is of the step already chosen
                if (!run.retrying() && !StepPipeline.conditionsHold(step, run)) {
                    StepOutcome.skipped(run, step);
                    run.current(-1);
                    continue;
                }
                exchange.getMessage().setBody(StepPipeline.input(step, run));
                return true;
            } catch (RuntimeException e) {
                StepOutcome.failed(run, step, e, masker);
                run.current(-1);
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "a step remains";
    }
}
