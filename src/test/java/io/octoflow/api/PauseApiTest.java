package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** {@code POST /api/flows/{id}/pause} and {@code /resume}: fires skipped, launches by hand kept, across restarts. */
class PauseApiTest {

    @TempDir
    Path root;

    private static long runs(ServiceFixture service) {
        return service.get("/api/executions?flow=tick&status=success&limit=1000").json().size();
    }

    private static JsonNode tick(ServiceFixture service) {
        return service.get("/api/flows").json().get("flows").get(0);
    }

    @Test
    void aPausedFlowSkipsItsFiresUntilResumedAndStaysPausedAcrossARestart() throws Exception {
        ServiceFixture service = new ServiceFixture(root);
        service.files().flow("tick.yml", """
                name: tick
                every_seconds: 1
                steps:
                  - name: now
                    type: debug
                """);
        try {
            service.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(service) >= 1);
            String scheduleId = tick(service).get("id").asText();

            Response paused = service.post("/api/flows/" + scheduleId + "/pause", null);
            assertThat(paused.status()).as(paused.body()).isEqualTo(200);
            assertThat(paused.json().get("name").asText()).isEqualTo("tick");
            assertThat(paused.json().get("changed").asBoolean()).isTrue();
            assertThat(tick(service).get("paused").asBoolean()).isTrue();

            long before = runs(service);
            await().atMost(Duration.ofSeconds(20)).until(() -> service.get("/metrics").body()
                    .matches("(?s).*octoflow_flow_skipped_total\\{flow=\"tick\",path=\"tick.yml\","
                            + "reason=\"paused\"} [2-9].*"));
            assertThat(runs(service)).isLessThanOrEqualTo(before + 1); // a run under way when paused may end

            // launched by hand, it still runs
            Response launched = service.post("/api/flows/launch?wait=true", "{\"path\": \"tick.yml\"}");
            assertThat(launched.json().get("status").asText()).isEqualTo("success");

            // pausing again changes nothing; the flow name works as well as the schedule id
            assertThat(service.post("/api/flows/tick/pause", null).json().get("changed").asBoolean()).isFalse();
            assertThat(service.post("/api/flows/nothing/pause", null).status()).isEqualTo(404);
        } finally {
            service.stop();
        }

        ServiceFixture restarted = new ServiceFixture(root);
        try {
            restarted.start();
            assertThat(tick(restarted).get("paused").asBoolean()).isTrue();
            long before = runs(restarted);
            Response resumed = restarted.post("/api/flows/tick/resume", null);
            assertThat(resumed.json().get("changed").asBoolean()).isTrue();
            assertThat(tick(restarted).get("paused").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(restarted) > before);
        } finally {
            restarted.close();
        }
    }
}
