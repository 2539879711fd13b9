package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;

/** Stores the step's result (the body) under its result_key and moves the run on. */
final class StepFinish implements Processor {

    private final StepDefinition step;

    StepFinish(StepDefinition step) {
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) {
        FlowRun run = FlowRun.of(exchange);
        if (step.type().storesResult()) {
            run.data().put(step.resultKey(), exchange.getMessage().getBody());
        }
        StepOutcome.succeeded(run, step);
        exchange.getMessage().setBody(null);
    }
}
