package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.step.StepPipeline;

/** Stores the step's result (the body) under its result_key and moves the run on. */
final class StepFinish implements Processor {

    private final StepDefinition<?> step;

    StepFinish(StepDefinition<?> step) {
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) {
        FlowRun run = FlowRun.of(exchange);
        StepPipeline.storeResult(step, run, exchange.getMessage().getBody());
        StepOutcome.succeeded(run, step);
        exchange.getMessage().setBody(null);
    }
}
