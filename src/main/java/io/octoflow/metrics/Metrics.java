package io.octoflow.metrics;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry for everything {@code /metrics} shows: JVM meters, Camel's route meters (camel-micrometer's
 * route policy: {@code camel_exchanges_*{routeId}}), and {@link FlowMetrics}. camel-micrometer-prometheus serves it
 * on the management routes of the API's HTTP server (see {@code ApiServer}).
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

    /** camel-micrometer-prometheus: route meters, and the scrape handler once the management server runs. */
    public void serve(CamelContext camel) throws Exception {
        // route meters for the flows' routes only: the API's, the schedules' (random ids) and our own would add
        // series nobody charts, and a new set of schedule ids at every start
        MicrometerRoutePolicyFactory routes = new MicrometerRoutePolicyFactory();
        routes.setMeterRegistry(registry);
        routes.getPolicyConfiguration().setContextEnabled(false);
        routes.getPolicyConfiguration().setExcludePattern("api-*,schedule-*,octoflow-*");
        camel.addService(routes, true, true);
        camel.addRoutePolicyFactory(routes);

        MicrometerPrometheus prometheus = new MicrometerPrometheus();
        prometheus.setCamelContext(camel);
        prometheus.setPath(PATH);
        prometheus.setEnableRoutePolicy(false);
        // its tags would be endpoint URIs, which may hold data values (a templated REST path): unbounded labels
        prometheus.setEnableExchangeEventNotifier(false);
        camel.addService(prometheus, true, true);
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
