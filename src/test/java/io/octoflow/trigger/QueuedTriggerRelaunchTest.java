package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * A webhook launch of a {@code concurrency: queue} flow still waiting for the lock when Octoflow stops runs after the
 * restart with the {@code __trigger__} it was queued with (the history keeps the event beside the queued row).
 */
class QueuedTriggerRelaunchTest {

    @TempDir
    Path root;

    private static String flow(int holdSeconds) {
        return """
                name: queued hook
                concurrency: queue
                timeout_seconds: 600
                trigger:
                  webhook:
                    path: queued
                steps:
                  - name: hold
                    type: sleep
                    sleep:
                      seconds: %d
                  - name: how
                    type: set_fact
                    set_fact:
                      value: "{{ __trigger__.kind }} {{ __trigger__.path }} {{ __trigger__.method }} {{ __input__.n }}"
                """.formatted(holdSeconds);
    }

    @Test
    void aQueuedWebhookLaunchKeepsItsTriggerAcrossARestart() throws Exception {
        String queuedId;
        try (ServiceFixture first = new ServiceFixture(root)) {
            first.files().flow("queued.yml", flow(3));
            first.start();
            Response running = first.post("/hooks/queued", "{\"n\": 1}");
            assertThat(running.status()).as(running.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> first.get("/api/executions/"
                    + running.json().path("execution_id").asText()).json().path("status").asText().equals("running"));
            Response queued = first.post("/hooks/queued", "{\"n\": 2}");
            assertThat(queued.status()).as(queued.body()).isEqualTo(202);
            queuedId = queued.json().path("execution_id").asText();
            assertThat(first.get("/api/executions/" + queuedId).json().path("status").asText()).isEqualTo("queued");
        }
        try (ServiceFixture second = new ServiceFixture(root)) {
            second.files().flow("queued.yml", flow(0));
            second.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String status = second.get("/api/executions/" + queuedId).json().path("status").asText();
                return !status.equals("queued") && !status.equals("running");
            });
            JsonNode run = second.get("/api/executions/" + queuedId).json();
            assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("success");
            assertThat(run.path("trigger").asText()).isEqualTo("webhook");
            assertThat(run.path("input").path("n").asInt()).isEqualTo(2);
            assertThat(run.path("data").path("how").asText()).as(run.toString()).isEqualTo("webhook queued POST 2");
            assertThat(run.path("data").path("__trigger__").path("kind").asText()).isEqualTo("webhook");
        }
    }
}
