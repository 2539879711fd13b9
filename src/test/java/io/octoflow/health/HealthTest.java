package io.octoflow.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.PlainCamel;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** {@code /health/live} and {@code /health/ready}, open to probes, following the database and the flows. */
class HealthTest {

    @TempDir
    Path root;

    private static Response probe(ServiceFixture service, String path) {
        // probes send no token
        return service.send(service.request(path).setHeader("Authorization", "None"));
    }

    @Test
    void readinessFollowsTheDatabaseWhileLivenessStaysUp() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("sum.yml", """
                    name: sum
                    steps:
                      - name: show
                        type: debug
                    """);
            service.start();
            assertThat(probe(service, "/health/live").status()).isEqualTo(200);
            Response ready = probe(service, "/health/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("UP");
            // open to probes, and no data in them; /metrics is open too when METRICS_TOKEN is unset
            assertThat(probe(service, "/metrics").status()).isEqualTo(200);
            assertThat(probe(service, "/api/flows").status()).isEqualTo(401);

            // the history database goes away: out of the Service, but no restart
            service.service().database().close();
            Response down = probe(service, "/health/ready");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(down.body()).contains("database");
            assertThat(probe(service, "/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void notReadyUntilTheFlowsAreLoaded() throws Exception {
        AtomicBoolean loaded = new AtomicBoolean();
        try (DefaultCamelContext camel = PlainCamel.withoutCliConnector()) {
            camel.start();
            HealthChecks.install(camel, loaded::get, () -> true);
            assertThat(HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(camel), true)).isFalse();
            assertThat(HealthCheckHelper.invokeReadiness(camel)).filteredOn(r -> r.getState() == HealthCheck.State.DOWN)
                    .singleElement().satisfies(r -> assertThat(r.getMessage()).hasValue(
                            "the flows directory is still being loaded"));
            assertThat(HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeLiveness(camel), false)).isTrue();
            loaded.set(true);
            assertThat(HealthCheckHelper.isResultsUp(HealthCheckHelper.invokeReadiness(camel), true)).isTrue();
        }
    }
}
