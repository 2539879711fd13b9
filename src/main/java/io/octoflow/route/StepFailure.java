package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;

/** The doCatch of every step: hands the caught exception to {@link StepOutcome#failed}. */
final class StepFailure implements Processor {

    private final StepDefinition<?> step;
    private final Masker masker;

    StepFailure(StepDefinition<?> step, Masker masker) {
        this.step = step;
        this.masker = masker;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        FlowRun run = FlowRun.of(exchange);
        StepOutcome.failed(run, step, error == null ? new IllegalStateException("unknown error") : error, masker);
        exchange.getMessage().setBody(null);
        exchange.getMessage().removeHeaders("*");
    }
}
