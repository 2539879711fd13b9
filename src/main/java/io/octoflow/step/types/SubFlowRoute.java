package io.octoflow.step.types;

import java.nio.file.Path;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;

/**
 * The check before a {@code flow} or {@code flow_loop} step calls its sub-flow's route: a sub-flow file missing at
 * load (a warning then) fails the step when it is called, with the spooler's words, instead of Camel's direct
 * endpoint waiting for a consumer that never comes.
 */
final class SubFlowRoute {

    private final String path;
    private final String routeId;
    private final Path file;

    SubFlowRoute(String path, Path flowsPath) {
        this.path = path;
        this.routeId = FlowDefinition.routeId(path);
        this.file = flowsPath.resolve(path).toAbsolutePath().normalize();
    }

    String endpointUri() {
        return FlowDefinition.endpointUri(path);
    }

    /** Fails the step when no route of the sub-flow is deployed (its file is missing or invalid). */
    void requireDeployed(Exchange exchange) {
        if (exchange.getContext().getRoute(routeId) == null) {
            throw new IllegalStateException("Flow file not found: " + file);
        }
    }
}
