package io.octoflow.metrics;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;

/**
 * One Prometheus registry for everything {@code /metrics} shows: JVM meters, Camel's route meters (camel-micrometer's
 * route policy: {@code camel_exchanges_*{routeId}}) and route counts, and {@link FlowMetrics}. Served on the
 * management routes of the API's HTTP server (see {@code ApiServer}) by {@link ScrapeEndpoint}.
 */
public final class Metrics implements AutoCloseable {

    public static final String PATH = "/metrics";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final FlowMetrics flows = new FlowMetrics(registry);

    /** Binds the registry into Camel, before any flow route exists (the route policy applies to new routes). */
    public Metrics(CamelContext camel) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
    }

    /**
     * Route meters for the routes users write ({@link UserRoutePolicyFactory}), the route counts of camel-micrometer's
     * route event notifier, and {@code GET /metrics} ({@link ScrapeEndpoint}) on the management routes of the API's
     * server, after the METRICS_TOKEN guard. Called before any route exists, so that the counts see every route.
     */
    public void serve(CamelContext camel) throws Exception {
        UserRoutePolicyFactory routes = new UserRoutePolicyFactory(registry);
        camel.addService(routes, true, true);
        camel.addRoutePolicyFactory(routes);

        // camel_routes_added_routes, camel_routes_running_routes (and _reloaded_routes): counted from route events,
        // so started here, before the first route; MicrometerPrometheus adds its own to a started context unstarted
        MicrometerRouteEventNotifier routeCounts = new MicrometerRouteEventNotifier();
        routeCounts.setMeterRegistry(registry);
        camel.getManagementStrategy().addEventNotifier(routeCounts);
        camel.addService(routeCounts, true, true);

        // Camel's metrics service (the registry, for Camel's consoles), without its HTTP handler, which answers 406
        // to 'Accept: text/plain' (see ApiServer: metrics disabled on the management server)
        MicrometerPrometheus prometheus = new MicrometerPrometheus();
        prometheus.setCamelContext(camel);
        prometheus.setEnableRoutePolicy(false);
        prometheus.setEnableRouteEventNotifier(false);
        // its tags would be endpoint URIs, which may hold data values (a templated REST path): unbounded labels
        prometheus.setEnableExchangeEventNotifier(false);
        camel.addService(prometheus, true, true);

        ManagementHttpServer server = camel.hasService(ManagementHttpServer.class);
        if (server != null && server.getRouter() != null) {
            server.getRouter().route(PATH).order(-5).method(HttpMethod.GET)
                    .blockingHandler(new ScrapeEndpoint(registry), false);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public FlowMetrics flows() {
        return flows;
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
