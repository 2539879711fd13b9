package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #10 and #15: a launch is answered {@code 202} only once its history row is written (running, or queued for
 * a concurrency: queue flow), a launch beyond a bound is refused with the setting's name instead of running on the
 * API's thread, and a launch that cannot start leaves a failed row with the error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LaunchAdmissionTest {

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.set("LAUNCH_MAX_THREADS", "4").set("QUEUE_MAX_WAITING", "5");
        service.files().flow("quick.yml", """
                name: quick
                concurrency: allow
                steps:
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.n }}"
                """);
        service.files().flow("waiting.yml", """
                name: waiting
                concurrency: queue
                timeout_seconds: 300
                steps:
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.n }}"
                """);
        service.files().flow("nap.yml", """
                name: nap
                concurrency: allow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 4
                """);
        service.files().flow("locked.yml", """
                name: locked
                steps:
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: 1
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    @Order(1)
    void every202IsFollowedByAGetThatFindsTheRowQueuedOnesIncluded() {
        assertThat(service.service().locks().take("waiting.yml", "another-process")).isTrue();
        List<String> missing = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            boolean queue = n % 40 == 0;
            Response launched = service.post("/api/flows/launch", "{\"path\": \"" + (queue ? "waiting" : "quick")
                    + ".yml\", \"data\": {\"n\": " + n + "}}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(202);
            String id = launched.json().get("execution_id").asText();
            Response row = service.get("/api/executions/" + id);
            if (row.status() != 200) {
                missing.add(id + " " + row.status());
            } else if (queue) {
                assertThat(row.json().get("status").asText()).isEqualTo("queued");
                assertThat(row.json().at("/input/n").asInt()).isEqualTo(n);
                queued.add(id);
            }
        }
        assertThat(missing).as("202s whose row a GET did not find").isEmpty();
        assertThat(queued).hasSize(5);

        // the queue is full: one more is refused, naming the setting
        Response refused = service.post("/api/flows/launch", "{\"path\": \"waiting.yml\"}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).contains("QUEUE_MAX_WAITING=5");
        Response spooler = service.post("/api/v1/jobs", "{\"path\": \"waiting.yml\"}");
        assertThat(spooler.status()).isEqualTo(503);

        // the waiting launches show as such, here and in the spooler's terms
        JsonNode waiting = service.get("/api/executions?status=queued").json();
        assertThat(waiting).extracting(e -> e.get("id").asText()).containsExactlyInAnyOrderElementsOf(queued);
        JsonNode pending = service.get("/api/v1/jobs?state=pending").json().get("jobs");
        assertThat(pending).extracting(e -> e.get("id").asText()).containsExactlyInAnyOrderElementsOf(queued);
        assertThat(service.delete("/api/executions?status=queued").status()).isEqualTo(400);

        // aborting a queued launch takes it out of the queue
        assertThat(service.post("/api/executions/" + queued.get(1) + "/abort", "").status()).isEqualTo(202);
        JsonNode aborted = service.get("/api/executions/" + queued.get(1)).json();
        assertThat(aborted.get("status").asText()).isEqualTo("aborted");
        assertThat(aborted.get("error").asText()).contains("queued");

        assertThat(service.service().locks().release("waiting.yml", "another-process")).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                service.get("/api/executions?path=waiting.yml&status=success").json().size() == 4);
        assertThat(service.get("/api/executions/" + queued.get(1)).json().get("status").asText())
                .isEqualTo("aborted");
        List<String> order = new ArrayList<>();
        service.get("/api/executions?path=waiting.yml&status=success").json()
                .forEach(e -> order.add(0, e.get("id").asText())); // newest first: reversed
        assertThat(order).containsExactly(queued.get(0), queued.get(2), queued.get(3), queued.get(4));
    }

    @Test
    @Order(2)
    void aFullLaunchPoolRefusesAndAScheduledFireIsRecordedSkipped() {
        List<String> naps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Response launched = service.post("/api/flows/launch", "{\"path\": \"nap.yml\"}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(202);
            naps.add(launched.json().get("execution_id").asText());
        }
        // every launch thread is busy: refused at once, not run on the API's thread
        Response refused = service.post("/api/flows/launch", "{\"path\": \"quick.yml\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).contains("LAUNCH_MAX_THREADS=4");
        assertThat(service.get("/metrics").body()).containsPattern(
                "octoflow_flow_skipped_total\\{[^}]*path=\"quick.yml\"[^}]*reason=\"overloaded\"} [1-9]");

        Response schedule = service.post("/api/flows/add", "{\"path\": \"locked.yml\", \"every_seconds\": 1}");
        assertThat(schedule.status()).as(schedule.body()).isEqualTo(201);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    service.get("/api/executions?path=locked.yml&status=skipped").json().size() > 0);
            JsonNode skipped = service.get("/api/executions?path=locked.yml&status=skipped").json().get(0);
            assertThat(skipped.get("trigger").asText()).isEqualTo("schedule");
            assertThat(skipped.get("error").asText()).contains("LAUNCH_MAX_THREADS=4");
        } finally {
            service.delete("/api/flows/" + schedule.json().get("id").asText());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> naps.stream().allMatch(id ->
                "success".equals(service.get("/api/executions/" + id).json().get("status").asText())));
    }

    @Test
    @Order(3)
    void aLaunchThatCannotStartLeavesAFailedRowWithTheError() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.get("/api/locks").json().isEmpty());
        Path locks = root.resolve("locks");
        Path aside = root.resolve("locks.aside");
        Files.move(locks, aside);
        Files.writeString(locks, "not a directory: no lock file can be created in it");
        Response launched;
        try {
            launched = service.post("/api/flows/launch", "{\"path\": \"locked.yml\"}");
        } finally {
            Files.delete(locks);
            Files.move(aside, locks);
        }
        assertThat(launched.status()).as(launched.body()).isEqualTo(503);
        String error = launched.json().get("error").asText();
        assertThat(error).contains("could not start", "recorded as failed execution");
        String id = error.replaceAll(".*recorded as failed execution ([0-9a-f-]+).*", "$1");
        JsonNode row = service.get("/api/executions/" + id).json();
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("error").asText()).contains("lock file");
        assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"locked.yml\"}").json()
                .get("status").asText()).isEqualTo("success");
    }
}
