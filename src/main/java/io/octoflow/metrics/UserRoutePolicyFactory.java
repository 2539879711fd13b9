package io.octoflow.metrics;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.ResourceAware;
import org.apache.camel.spi.RoutePolicy;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * camel-micrometer's route policy ({@code camel_exchanges_*{routeId}}, {@code camel_route_policy_seconds}) on the
 * routes users write: flows ({@code flow-<path>}), Loops ({@code loop-<namespace>-<name>}) and the routes of Camel
 * route files of the flows directory (loaded from a file, so their definition names it). Octoflow's own routes (the
 * API's, the schedules' with new random ids at every start, the launcher's) would add series nobody charts; a
 * factory answering no policy is Camel's way of leaving a route out (an exclude pattern would have to know every
 * internal route id, now and later).
 */
final class UserRoutePolicyFactory extends MicrometerRoutePolicyFactory {

    UserRoutePolicyFactory(MeterRegistry registry) {
        setMeterRegistry(registry);
        MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
        configuration.setContextEnabled(false); // a context-wide series would count the API's exchanges too
        setPolicyConfiguration(configuration);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
        return isUsers(routeId, route) ? super.createRoutePolicy(camel, routeId, route) : null;
    }

    static boolean isUsers(String routeId, NamedNode route) {
        if (routeId != null && (routeId.startsWith("flow-") || routeId.startsWith("loop-"))) {
            return true;
        }
        return route instanceof ResourceAware loaded && loaded.getResource() != null;
    }
}
