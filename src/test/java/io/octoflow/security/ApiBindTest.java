package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.support.ServiceFixture;

/** A taken API_PORT stops the start with a clear message (the service ran on with no API); API_BIND. */
class ApiBindTest {

    @TempDir
    Path root;

    @Test
    void aTakenApiPortStopsTheStartNamingThePortAndTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            ServiceFixture service = new ServiceFixture(root).set("API_PORT", String.valueOf(taken.getLocalPort()));
            try {
                assertThatThrownBy(service::start).hasMessageContaining("API_PORT " + taken.getLocalPort())
                        .hasMessageContaining("not free");
            } finally {
                service.close();
            }
        }
    }

    @Test
    void apiBindListensOnTheAddressGiven() throws Exception {
        ServiceFixture service = new ServiceFixture(root).set("API_BIND", "127.0.0.1");
        try {
            service.start();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.port() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            service.close();
        }
        assertThat(OctoflowConfig.from(Map.of()).apiBind()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("API_BIND", "no such host.invalid")))
                .hasMessageContaining("API_BIND");
    }
}
