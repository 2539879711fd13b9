package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;

/**
 * The doCatch of every step: the step runs again when its {@link StepRetry retry} says so (the run stays at the step),
 * else the caught exception goes to {@link StepOutcome#failed}.
 */
final class StepFailure implements Processor {

    private final StepDefinition<?> step;
    private final Masker masker;

    StepFailure(StepDefinition<?> step, Masker masker) {
        this.step = step;
        this.masker = masker;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable error = caught == null ? new IllegalStateException("unknown error") : caught;
        FlowRun run = FlowRun.of(exchange);
        if (!StepRetry.again(run, step, error, masker)) {
            StepOutcome.failed(run, step, error, masker);
        }
        run.current(-1); // settled: the step loop's next turn does not store a result for it (NextStep)
        exchange.getMessage().setBody(null);
        exchange.getMessage().removeHeaders("*");
    }
}
