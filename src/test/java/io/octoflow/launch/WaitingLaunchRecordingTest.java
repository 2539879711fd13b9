package io.octoflow.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.history.ExecutionQuery;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 17: a launch whose caller waits for the end ({@code ?wait=true}) is recorded once, whole, when it ends
 * (ExecutionRecorder#startedQuietly), and a run that outlasts the quiet start still shows as running meanwhile.
 * Through the real service and its H2 history.
 */
class WaitingLaunchRecordingTest {

    @TempDir
    Path root;

    @Test
    void aShortRunWhoseCallerWaitsIsRecordedWithItsInputStepsAndStatusBeforeTheAnswer() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("quick.yml", """
                    name: quick
                    steps:
                      - name: first
                        type: set_fact
                        set_fact:
                          value: "{{ __input__.n }}"
                      - name: second
                        type: set_fact
                        set_fact:
                          value: done
                    """);
            service.files().flow("broken.yml", """
                    name: broken
                    steps:
                      - name: fails
                        type: file
                        file:
                          path: no-such-file.json
                    """);
            service.start();
            for (int i = 0; i < 20; i++) {
                Response launched = service.post("/api/flows/launch?wait=true",
                        "{\"path\": \"quick.yml\", \"data\": {\"n\": " + i + "}}");
                assertThat(launched.status()).as(launched.body()).isEqualTo(200);
                String id = launched.json().get("execution_id").asText();
                // no wait: the answer came after the row was written
                JsonNode run = service.get("/api/executions/" + id).json();
                assertThat(run.get("status").asText()).isEqualTo("success");
                assertThat(run.get("trigger").asText()).isEqualTo("api");
                assertThat(run.get("steps")).extracting(s -> s.get("step").asText()).containsExactly("first",
                        "second");
                assertThat(run.get("input").get("n").asInt()).isEqualTo(i);
                assertThat(run.get("ended_at").isNull()).isFalse();
            }
            Response failed = service.post("/api/flows/launch?wait=true", "{\"path\": \"broken.yml\"}");
            JsonNode run = service.get("/api/executions/" + failed.json().get("execution_id").asText()).json();
            assertThat(run.get("status").asText()).isEqualTo("failed");
            assertThat(run.get("error").asText()).contains("no-such-file.json");
            assertThat(service.service().store().count(new ExecutionQuery(null, null, null, null, 1, 0)))
                    .as("one row per run").isEqualTo(21);
        }
    }

    @Test
    void aLongRunWhoseCallerWaitsShowsAsRunningWhileItRunsThenEndsInTheSameRow() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("slow.yml", """
                    name: slow
                    steps:
                      - name: nap
                        type: sleep
                        sleep:
                          seconds: 2
                    """);
            service.start();
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() ->
                    service.post("/api/flows/launch?wait=true", "{\"path\": \"slow.yml\", \"data\": {\"k\": 1}}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> service.service().store().count(
                    new ExecutionQuery(null, "running", null, null, 1, 0)) == 1);
            Response ended = answer.get();
            assertThat(ended.status()).as(ended.body()).isEqualTo(200);
            JsonNode run = service.get("/api/executions/" + ended.json().get("execution_id").asText()).json();
            assertThat(run.get("status").asText()).isEqualTo("success");
            assertThat(run.get("input").get("k").asInt()).isEqualTo(1);
            assertThat(run.get("steps")).hasSize(1);
            assertThat(service.service().store().count(new ExecutionQuery(null, null, null, null, 1, 0)))
                    .isEqualTo(1);
        }
    }
}
