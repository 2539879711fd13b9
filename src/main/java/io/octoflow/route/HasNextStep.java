package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

import io.octoflow.execution.FlowRun;

/** The flow loop goes on while a step remains and the run was neither cancelled nor exited. */
final class HasNextStep implements Predicate {

    @Override
    public boolean matches(Exchange exchange) {
        return FlowRun.of(exchange).hasNextStep();
    }
}
