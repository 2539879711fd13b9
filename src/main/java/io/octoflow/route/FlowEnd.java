package io.octoflow.route;

import java.util.LinkedHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowFailedException;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunStatus;
import io.octoflow.logging.RunContext;

/**
 * Last processor of every flow route: settles the run's status. A sub-flow restores its caller's run on the
 * exchange and hands its data back to the calling step as the body, or fails that step when it did not succeed.
 */
final class FlowEnd implements Processor {

    @Override
    public void process(Exchange exchange) {
        FlowRun run = FlowRun.of(exchange);
        if (run.cancellation().isCancelled() && !run.status().ok()) {
            run.status(run.cancellation().reason());
        } else if (run.status() == RunStatus.RUNNING) {
            run.status(RunStatus.SUCCESS);
        }
        exchange.getMessage().removeHeaders("*");
        if (!run.isChild()) {
            exchange.getMessage().setBody(null);
            return;
        }
        if (run.ownsLogContext()) {
            RunContext.leave();
        }
        // the calling flow's steps go on with the calling flow's run
        exchange.setProperty(FlowRun.PROPERTY, run.parent());
        exchange.setProperty(FlowRun.FINISHED_RUN, run);
        if (!run.status().ok()) {
            throw new FlowFailedException(run.error() != null ? run.error()
                    : "flow '" + run.flow().name() + "' ended with status " + run.status().label());
        }
        exchange.getMessage().setBody(new LinkedHashMap<>(run.data()));
    }
}
