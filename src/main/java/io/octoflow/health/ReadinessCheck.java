package io.octoflow.health;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check of the service (group {@code octoflow}): UP while {@code condition} holds, DOWN with
 * {@code downMessage} otherwise. Liveness stays with Camel's context check: a database outage must take the pod
 * out of the Service, not restart it.
 */
public final class ReadinessCheck extends AbstractHealthCheck {

    private final BooleanSupplier condition;
    private final String downMessage;

    public ReadinessCheck(String id, BooleanSupplier condition, String downMessage) {
        super("octoflow", id);
        this.condition = condition;
        this.downMessage = downMessage;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (condition.getAsBoolean()) {
            builder.up();
        } else {
            builder.message(downMessage).down();
        }
    }
}
