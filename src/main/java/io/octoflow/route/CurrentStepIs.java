package io.octoflow.route;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

import io.octoflow.execution.FlowRun;

/** Chooses the branch of the step the selector picked. */
final class CurrentStepIs implements Predicate {

    private final int index;

    CurrentStepIs(int index) {
        this.index = index;
    }

    @Override
    public boolean matches(Exchange exchange) {
        return FlowRun.of(exchange).current() == index;
    }

    @Override
    public String toString() {
        return "step #" + (index + 1);
    }
}
