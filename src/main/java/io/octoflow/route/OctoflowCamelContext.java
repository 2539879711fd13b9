package io.octoflow.route;

import org.apache.camel.impl.DefaultCamelContext;

/**
 * Camel's context, with one shortcut that lets it hold thousands of flows. Adding a route first removes any route
 * with the same id, and Camel's removal walks every processor of every route present (to find endpoints no
 * longer in use) before it looks whether the route exists; adding n flows one by one then costs n² walks. Here a
 * route that does not exist is not removed.
 */
public class OctoflowCamelContext extends DefaultCamelContext {

    /** Camel JBang's connector only where the service asks for it ({@link CamelCliConnector#attach}). */
    @Override
    public void doBuild() throws Exception {
        super.doBuild();
        CamelCliConnector.disable(this);
    }

    @Override
    public boolean removeRoute(String routeId) throws Exception {
        if (getRoute(routeId) == null) {
            return false;
        }
        return super.removeRoute(routeId);
    }
}
