package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 17, fourth session: {@code POST /api/flows/launch} is answered from the launch's future, on the event loop,
 * instead of by a Vert.x worker thread parked for the whole run. Real HTTP, a real service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncLaunchAnswerTest {

    /** More than Vert.x's worker pool (20 threads): each of them once waited for a whole run. */
    private static final int WAITING = 30;

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("long nap.yml", """
                name: long nap
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 60
                """);
        service.files().flow("naps together.yml", """
                name: naps together
                concurrency: allow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 8
                """);
        service.files().flow("short nap.yml", """
                name: short nap
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 2
                """);
        service.files().flow("queued nap.yml", """
                name: queued nap
                concurrency: queue
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 1
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aWaitingLaunchIsAnsweredWithTheTimeoutOfItsRunAndItsLockIsReleased() {
        Response answer = service.post("/api/flows/launch?wait=true",
                "{\"path\": \"long nap.yml\", \"timeout_seconds\": 1}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("timeout");
        assertThat(answer.json().get("error").asText()).contains("long nap", "timed out");
        String id = answer.json().get("execution_id").asText();
        assertThat(service.get("/api/executions/" + id).json().get("status").asText()).isEqualTo("timeout");
        assertThat(service.get("/api/locks").json()).isEmpty();
    }

    @Test
    void waitingLaunchesHoldNoWorkerThreadSoOtherRequestsAreAnsweredMeanwhile() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            waiting.add(http.sendAsync(service.request("/api/flows/launch?wait=true")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"naps together.yml\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // a run whose caller waits gets its running row after 200 ms: all of them running, seen by requests that a
        // worker thread answers while every launch is still waiting for its run's end
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service
                .get("/api/executions?path=naps%20together.yml&status=running").json().size() == WAITING);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        for (CompletableFuture<HttpResponse<String>> each : waiting) {
            HttpResponse<String> answer = each.get();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("\"status\" : \"success\"");
        }
    }

    /** A client that gives up before the run's end: the run is recorded all the same, and the next one answered. */
    @Test
    void aClientThatLeavesBeforeTheEndLeavesItsRunRecordedAndTheServiceAnswering() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> leaving = http.sendAsync(service.request("/api/flows/launch?wait=true")
                .timeout(Duration.ofMillis(500)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"short nap.yml\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(leaving).failsWithin(Duration.ofSeconds(30));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode runs = service.get("/api/executions?path=short%20nap.yml").json();
            return runs.size() == 1 && runs.get(0).get("status").asText().equals("success");
        });
        Response next = service.post("/api/flows/launch?wait=true", "{\"path\": \"short nap.yml\"}");
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.json().get("status").asText()).isEqualTo("success");
    }

    @Test
    void aRefusedLaunchIsAnsweredAsBeforeAndAQueuedOneWaitsItsTurn() {
        assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"nowhere.yml\"}").status())
                .isEqualTo(404);
        assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"long nap.yml\", \"other\": 1}")
                .status()).isEqualTo(400);
        Response running = service.post("/api/flows/launch", "{\"path\": \"long nap.yml\"}");
        assertThat(running.status()).as(running.body()).isEqualTo(202);
        Response locked = service.post("/api/flows/launch?wait=true", "{\"path\": \"long nap.yml\"}");
        assertThat(locked.status()).as(locked.body()).isEqualTo(409);
        assertThat(locked.json().get("error").asText()).contains("long nap", "already running");
        service.post("/api/executions/" + running.json().get("execution_id").asText() + "/abort", "");

        List<CompletableFuture<Response>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(CompletableFuture.supplyAsync(() -> service.post("/api/flows/launch?wait=true",
                    "{\"path\": \"queued nap.yml\"}")));
        }
        for (CompletableFuture<Response> each : queued) {
            JsonNode answer = each.join().json();
            assertThat(answer.get("status").asText()).as(answer.toString()).isEqualTo("success");
        }
        Response unauthorized = service.send(service.request("/api/flows/launch?wait=true")
                .header("Authorization", "Bearer wrong").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"queued nap.yml\"}")));
        assertThat(unauthorized.status()).isEqualTo(401);
    }
}
