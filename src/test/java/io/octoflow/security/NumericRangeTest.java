package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #16, the flow-file side: counts of seconds past their range are refused at load with the line of the
 * value (a timeout of 2^63-1 s left a row {@code running} that could be neither aborted nor deleted; a too-large
 * every_seconds was silently dropped), the largest timeout allowed still leaves a run that can be aborted, and a
 * timeout past what a Duration holds in milliseconds no longer breaks the wait for the run.
 */
class NumericRangeTest {

    @TempDir
    Path root;

    @Test
    void secondsPastTheirRangeAreInvalidAtTheirLineAndTheLargestAllowedRunCanBeAborted() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("forever.yml", """
                    name: forever
                    timeout_seconds: 9223372036854775807
                    steps:
                      - {name: a, type: debug}
                    """);
            service.files().flow("too rare.yml", """
                    name: too rare
                    every_seconds: 99999999999999999999
                    steps:
                      - {name: a, type: debug}
                    """);
            service.files().flow("patient.yml", """
                    name: patient
                    timeout_seconds: 3162240000
                    steps:
                      - name: wait
                        type: sleep
                        sleep:
                          seconds: 3162240000
                    """);
            service.start();

            JsonNode flows = service.get("/api/flows").json();
            assertThat(problem(flows, "forever.yml")).isEqualTo("2:18: timeout_seconds: expected a positive whole"
                    + " number up to 3162240000, found a number '9223372036854775807'");
            assertThat(problem(flows, "too rare.yml")).isEqualTo("2:16: every_seconds: expected a positive whole"
                    + " number up to 3162240000, found a number '99999999999999999999'");
            assertThat(service.post("/api/flows/launch", "{\"path\": \"forever.yml\"}").status()).isEqualTo(400);

            Response launch = service.post("/api/flows/launch", "{\"path\": \"patient.yml\"}");
            assertThat(launch.status()).as(launch.body()).isEqualTo(202);
            String id = launch.json().get("execution_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    service.get("/api/executions/" + id).json().path("status").asText().equals("running"));
            Response abort = service.post("/api/executions/" + id + "/abort", "");
            assertThat(abort.status()).as(abort.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    service.get("/api/executions/" + id).json().path("status").asText()).isEqualTo("aborted"));
            Response delete = service.delete("/api/executions?older_than_days=0&status=aborted");
            assertThat(delete.status()).as(delete.body()).isEqualTo(200);
            assertThat(service.get("/api/executions/" + id).status()).isEqualTo(404);
        }
    }

    @Test
    void aTimeoutBeyondWhatMillisecondsHoldDoesNotBreakTheRun() {
        try (FlowFixture fx = new FlowFixture(root)) {
            fx.flow("quick.yml", """
                    name: quick
                    steps:
                      - {name: a, type: set_fact, set_fact: {value: 1}}
                    """);
            FlowDefinition flow = fx.engine().load(fx.flows().resolve("quick.yml"));
            RunResult result = fx.engine().run(flow, null, Map.of(), Duration.ofSeconds(Long.MAX_VALUE));
            assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(result.data()).containsEntry("a", 1L);
        }
    }

    private static String problem(JsonNode flows, String path) {
        for (JsonNode file : flows.get("invalid_files")) {
            if (file.get("path").asText().equals(path)) {
                JsonNode first = file.at("/problems/0");
                return first.get("line").asInt() + ":" + first.get("column").asInt() + ": "
                        + first.get("message").asText();
            }
        }
        return "no problem listed for " + path + " in " + flows.get("invalid_files");
    }
}
