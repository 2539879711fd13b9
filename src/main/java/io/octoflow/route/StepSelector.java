package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;
import io.octoflow.step.StepPipeline;

/**
 * Picks the step to run next: skips steps whose {@code when} is false (recorded as skipped) and puts the chosen
 * step's input (its {@code data_key} value) in the body. An error here belongs to the step, like any other.
 */
final class StepSelector implements Processor {

    private final Masker masker;

    StepSelector(Masker masker) {
        this.masker = masker;
    }

    @Override
    public void process(Exchange exchange) {
        FlowRun run = FlowRun.of(exchange);
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
                return;
            } catch (RuntimeException e) {
                StepOutcome.failed(run, step, e, masker);
                run.current(-1);
            }
        }
    }
}
