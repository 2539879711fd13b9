package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #12 through the real service: a goto loop runs many more steps than {@code HISTORY_MAX_STEPS_PER_RUN};
 * the history keeps the first ones, counts the others, and {@code GET /api/executions/{id}} answers with both.
 */
class StepCapServiceTest {

    @TempDir
    Path root;

    @Test
    void aRunOverTheStepCapKeepsTheFirstStepsCountsTheRestAndStillAnswers() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.set("HISTORY_MAX_STEPS_PER_RUN", "25");
            service.files().flow("loop.yml", """
                    name: loop
                    steps:
                      - name: counter
                        type: set_fact
                        set_fact:
                          value: "{{ (counter | default(0) | int) + 1 }}"
                      - name: again
                        type: goto
                        when: "counter | int < 100"
                        goto:
                          step_name: counter
                    """);
            service.start();
            assertThat(service.service().config().historyMaxStepsPerRun()).isEqualTo(25);

            Response launched = service.post("/api/flows/launch?wait=true", "{\"path\": \"loop.yml\"}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(200);
            assertThat(launched.json().get("status").asText()).as(launched.body()).isEqualTo("success");
            String id = launched.json().get("execution_id").asText();

            Response run = service.get("/api/executions/" + id);
            assertThat(run.status()).as(run.body()).isEqualTo(200);
            JsonNode json = run.json();
            assertThat(json.get("status").asText()).isEqualTo("success");
            assertThat(json.get("steps")).hasSize(25);
            assertThat(json.get("steps").get(0).get("step").asText()).isEqualTo("counter");
            assertThat(json.get("steps").get(1).get("step").asText()).isEqualTo("again");
            // 100 rounds of two steps: 200 step records, 25 kept
            assertThat(json.get("steps_dropped").asInt()).isEqualTo(175);
        }
    }
}
