package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #10: launches of a concurrency: queue flow still waiting when the service stops are not lost: their rows
 * stay {@code queued}, and the next start runs them in their order with their input; a queued launch whose flow is
 * gone by then is recorded failed, saying so.
 */
class QueuedLaunchRestartTest {

    private static final String QUEUED = """
            name: waiting
            concurrency: queue
            timeout_seconds: 300
            steps:
              - name: mark
                type: set_fact
                set_fact:
                  value: "{{ __input__.n }}"
            """;

    @TempDir
    Path root;

    @Test
    void queuedLaunchesLeftByAStopRunAtTheNextStartInTheirOrder() throws Exception {
        List<String> ids = new ArrayList<>();
        String orphan;
        try (ServiceFixture first = new ServiceFixture(root)) {
            first.files().flow("waiting.yml", QUEUED);
            first.files().flow("gone.yml", QUEUED.replace("name: waiting", "name: gone"));
            first.start();
            assertThat(first.service().locks().take("waiting.yml", "another-process")).isTrue();
            assertThat(first.service().locks().take("gone.yml", "another-process")).isTrue();
            for (int n = 0; n < 3; n++) {
                Response launched = first.post("/api/flows/launch", "{\"path\": \"waiting.yml\", \"data\": {\"n\": "
                        + n + "}}");
                assertThat(launched.status()).as(launched.body()).isEqualTo(202);
                ids.add(launched.json().get("execution_id").asText());
            }
            orphan = first.post("/api/flows/launch", "{\"path\": \"gone.yml\"}").json().get("execution_id").asText();
            first.stop();
            first.files().flows().resolve("gone.yml").toFile().delete();
        }

        try (ServiceFixture second = new ServiceFixture(root)) {
            second.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id ->
                    "success".equals(second.get("/api/executions/" + id).json().get("status").asText())));
            List<JsonNode> runs = new ArrayList<>();
            ids.forEach(id -> runs.add(second.get("/api/executions/" + id).json()));
            for (int n = 0; n < 3; n++) {
                assertThat(runs.get(n).at("/data/mark").asText()).isEqualTo(Integer.toString(n));
                if (n > 0) {
                    assertThat(runs.get(n).get("started_at").asText())
                            .isGreaterThanOrEqualTo(runs.get(n - 1).get("ended_at").asText());
                }
            }
            JsonNode gone = second.get("/api/executions/" + orphan).json();
            assertThat(gone.get("status").asText()).isEqualTo("failed");
            assertThat(gone.get("error").asText()).contains("gone.yml", "not deployed");
        }
    }
}
