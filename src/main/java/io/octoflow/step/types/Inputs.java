package io.octoflow.step.types;

import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;

/** Shared input handling: steps that transform data work on the whole flow data when no data_key is given. */
final class Inputs {

    private Inputs() {
    }

    static Processor wholeDataUnlessKeyed(StepDefinition<?> step) {
        return exchange -> {
            if (step.dataKey() == null) {
                exchange.getMessage().setBody(FlowRun.of(exchange).lookup("."));
            }
        };
    }
}
