package io.octoflow.trigger;

import java.util.function.BiPredicate;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.ErrorText;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.TriggerDefinition;
import io.octoflow.logging.LogText;

/**
 * A flow's event trigger as a source deployed it: the route that consumes its events. A redeploy with the same
 * trigger keeps the route and swaps the flow (runs under way finish with the flow they started with).
 *
 * @param <T> the trigger's kind
 */
final class DeployedTrigger<T extends TriggerDefinition> {

    private static final Logger LOG = LogManager.getLogger(DeployedTrigger.class);

    volatile FlowDefinition flow;
    final T trigger;
    final String routeId;
    /** The route stopped on its own (a refused login, {@code on_failure: stop}): a redeploy builds it again. */
    volatile boolean stopped;

    DeployedTrigger(FlowDefinition flow, T trigger, String routeId) {
        this.flow = flow;
        this.trigger = trigger;
        this.routeId = routeId;
    }

    /**
     * {@code flow} redeployed: true, and its runs from now on are of {@code flow}, when its trigger is the same as
     * this one ({@code same}) and the route still consumes; false when the route is to be built again.
     */
    boolean keep(FlowDefinition flow, T trigger, BiPredicate<T, T> same) {
        if (stopped || !same.test(this.trigger, trigger)) {
            return false;
        }
        this.flow = flow;
        return true;
    }

    /** Stops and removes the route; a failure is logged (what: what the route did, for the log line). */
    void stopRoute(CamelContext camel, String what) {
        try {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        } catch (Exception e) {
            LOG.warn("{}: cannot stop {}: {}", LogText.oneLine(flow.path()), what, LogText.oneLine(ErrorText.of(e)));
        }
    }
}
