package io.octoflow.health;

import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ContextHealthCheck;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;

/**
 * Camel's health-check registry with the checks behind {@code /health/live} and {@code /health/ready}: Camel's
 * context check (live and ready), the flows directory loaded, the database answering. Camel's per-route and
 * per-consumer checks are left out: they make one check per route, and a stopped flow is not an unhealthy service.
 */
public final class HealthChecks {

    private HealthChecks() {
    }

    public static HealthCheckRegistry install(CamelContext camel, BooleanSupplier flowsLoaded,
            BooleanSupplier databaseAnswers) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
        if (registry == null) {
            registry = new DefaultHealthCheckRegistry(camel);
            camel.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        }
        registry.register(new ContextHealthCheck());
        registry.register(new ReadinessCheck("flows", flowsLoaded, "the flows directory is still being loaded"));
        registry.register(new ReadinessCheck("database", databaseAnswers,
                "the execution history database does not answer"));
        try {
            camel.addService(registry, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the health checks", e);
        }
        return registry;
    }
}
