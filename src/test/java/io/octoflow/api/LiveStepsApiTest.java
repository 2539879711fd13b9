package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.octoflow.support.TestHttpServer;

/**
 * A running run's timeline grows as its steps finish: GET /api/executions/{id} lists the steps finished so far (from
 * the launcher's memory, the history writes them at the end) and the step in progress, while a middle step waits on
 * a real HTTP server held by a latch; then every step once the run ended. Its ETag follows the body; both answers
 * match the OpenAPI schema.
 */
class LiveStepsApiTest {

    @TempDir
    Path root;
    ServiceFixture service;
    TestHttpServer gate;
    final CountDownLatch open = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        gate = TestHttpServer.start();
        gate.respond("/gate", request -> {
            try {
                open.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TestHttpServer.Response.json("{\"opened\": true}");
        });
        service = new ServiceFixture(root);
        service.files().flow("gated.yml", """
                name: gated
                steps:
                  - name: first
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: second
                    type: debug
                  - name: wait at the gate
                    type: rest
                    rest:
                      uri: "%s"
                  - name: last
                    type: set_fact
                    set_fact:
                      value: 2
                """.formatted(gate.url("/gate")));
        service.start();
    }

    @AfterEach
    void stop() {
        open.countDown();
        service.close();
        gate.close();
    }

    @Test
    void aRunningRunListsItsFinishedStepsThenAllOfThemOnceEnded() {
        String id = service.post("/api/flows/launch", "{\"path\": \"gated.yml\"}").json().get("execution_id").asText();

        JsonNode running = await().atMost(Duration.ofSeconds(30)).until(
                () -> service.get("/api/executions/" + id).json(),
                run -> run.at("/current_step/step").asText().equals("wait at the gate"));
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.get("ended_at").isNull()).isTrue();
        assertThat(names(running)).containsExactly("first", "second");
        JsonNode first = running.at("/steps/0");
        assertThat(first.get("status").asText()).isEqualTo("success");
        assertThat(first.get("attempt").asInt()).isEqualTo(1);
        assertThat(first.has("start") && first.has("duration_ms") && first.has("error")).isTrue();
        assertThat(running.at("/current_step/start").asText()).isNotBlank();
        String document = service.get("/api/openapi.json").body();
        OpenApiDocumentTest.assertMatchesSchema(document, "get", "/api/executions/{id}",
                service.get("/api/executions/" + id), 200);
        // the answer while running has its own ETag, still answered 304 while nothing changes
        Response whileRunning = service.get("/api/executions/" + id);
        String runningTag = whileRunning.header("ETag");
        assertThat(runningTag).isNotBlank();
        assertThat(service.send(service.request("/api/executions/" + id).header("If-None-Match", runningTag).GET())
                .status()).isEqualTo(304);
        assertThat(gate.hits("/gate")).isEqualTo(1);

        open.countDown();
        JsonNode ended = await().atMost(Duration.ofSeconds(30)).until(
                () -> service.get("/api/executions/" + id).json(), run -> run.get("status").asText().equals("success"));
        assertThat(names(ended)).containsExactly("first", "second", "wait at the gate", "last");
        assertThat(ended.has("current_step")).isFalse();
        OpenApiDocumentTest.assertMatchesSchema(document, "get", "/api/executions/{id}",
                service.get("/api/executions/" + id), 200);
        Response after = service.get("/api/executions/" + id);
        assertThat(after.header("ETag")).isNotEqualTo(runningTag);
        HttpRequest.Builder stale = service.request("/api/executions/" + id).header("If-None-Match", runningTag).GET();
        assertThat(service.send(stale).status()).isEqualTo(200);
    }

    private static List<String> names(JsonNode run) {
        List<String> names = new ArrayList<>();
        run.path("steps").forEach(step -> names.add(step.get("step").asText()));
        return names;
    }
}
