package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.FlowFixture;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.octoflow.support.TestHttpServer;

/**
 * Retries seen from outside a started service: each attempt is a step of {@code GET /api/executions/{id}} with its
 * {@code attempt}, read back from the real H2 history; {@code /metrics} counts the retries per step; an abort over
 * the API during the wait before the next attempt ends the run.
 */
class RetryHistoryServiceTest {

    @TempDir
    Path root;
    ServiceFixture service;
    TestHttpServer api;
    final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        api = TestHttpServer.start();
        // fails twice, then answers
        api.respond("/flaky", request -> calls.incrementAndGet() <= 2
                ? TestHttpServer.Response.status(503, "text/plain", "busy")
                : TestHttpServer.Response.json("{\"tickets\": 3}"));
        api.respond("/down", 502, "text/plain", "bad gateway");
        service = new ServiceFixture(root);
        service.files().flow("flaky.yml", """
                name: flaky
                steps:
                  - name: fetch
                    type: rest
                    rest:
                      uri: "%s"
                    retry: {max_attempts: 3, delay_seconds: 0.01, backoff: exponential}
                  - name: done
                    type: debug
                """.formatted(api.url("/flaky")));
        service.files().flow("patient.yml", """
                name: patient
                steps:
                  - name: fetch
                    type: rest
                    rest:
                      uri: "%s"
                    retry: {max_attempts: 4, delay_seconds: 3000}
                """.formatted(api.url("/down")));
        service.start();
    }

    @AfterEach
    void stop() {
        service.close();
        api.close();
    }

    private JsonNode awaitEnded(String id) {
        List<JsonNode> ended = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode e = service.get("/api/executions/" + id).json();
            if (e.get("ended_at").isNull()) {
                return false;
            }
            ended.add(e);
            return true;
        });
        return ended.get(0);
    }

    private static List<String> steps(JsonNode execution) {
        List<String> steps = new ArrayList<>();
        execution.get("steps").forEach(s -> steps.add(s.get("step").asText() + ":" + s.get("status").asText() + ":"
                + s.get("attempt").asInt()));
        return steps;
    }

    @Test
    void theAttemptsAreStepsOfTheExecutionAndTheRetriesAreCounted() {
        // at 0 from the deploy, so that the first retry shows in increase()
        assertThat(service.get("/metrics").body()).containsPattern(
                "octoflow_step_retries_total\\{(?=[^}]*flow=\"flaky\")(?=[^}]*step=\"fetch\")[^}]*} 0\\.0");
        Response launched = service.post("/api/flows/launch?wait=true", "{\"path\": \"flaky.yml\"}");
        assertThat(launched.status()).as(launched.body()).isEqualTo(200);
        assertThat(launched.json().get("status").asText()).isEqualTo("success");

        JsonNode execution = service.get("/api/executions/" + launched.json().get("execution_id").asText()).json();
        assertThat(steps(execution)).containsExactly("fetch:retried:1", "fetch:retried:2", "fetch:success:3",
                "done:success:1");
        assertThat(execution.at("/steps/0/error").asText()).contains("HTTP status 503", "busy");
        assertThat(execution.at("/data/fetch/tickets").asInt()).isEqualTo(3);

        String metrics = service.get("/metrics").body();
        assertThat(metrics).containsPattern(
                "octoflow_step_retries_total\\{(?=[^}]*flow=\"flaky\")(?=[^}]*step=\"fetch\")[^}]*} 2\\.0");
    }

    @Test
    void anAbortDuringTheWaitEndsTheRunAborted() {
        try (FlowFixture.LogCapture retries = new FlowFixture.LogCapture("io.octoflow.route.StepRetry")) {
            abortDuringTheWait(retries);
        }
    }

    private void abortDuringTheWait(FlowFixture.LogCapture retries) {
        Response launched = service.post("/api/flows/launch", "{\"path\": \"patient.yml\"}");
        assertThat(launched.status()).as(launched.body()).isEqualTo(202);
        String id = launched.json().get("execution_id").asText();
        // the first attempt failed; the run waits 3000 s before the second
        await().atMost(Duration.ofSeconds(30)).until(() -> retries.text().contains("next attempt in 3000.0 s"));

        Response abort = service.post("/api/executions/" + id + "/abort", "");
        assertThat(abort.status()).as(abort.body()).isEqualTo(202);

        JsonNode execution = awaitEnded(id);
        assertThat(execution.get("status").asText()).isEqualTo("aborted");
        assertThat(steps(execution)).containsExactly("fetch:retried:1");
        assertThat(api.hits("/down")).as("no attempt after the abort").isEqualTo(1);
    }
}
