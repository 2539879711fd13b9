package io.octoflow.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 17, fourth session: a run's final data holds its input again ({@code __input__}); the history stores it
 * once, in the input column, and the API shows the run's input and its data as before. Through the real service,
 * its API and its H2 history.
 */
class InputStoredOnceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void aBatchOfRecordsIsStoredOnceAndShownAsInputAndAsTheDatasInputAsBefore() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("batch.yml", """
                    name: batch
                    steps:
                      - name: count
                        type: jq
                        jq:
                          expression: '{n: (.__input__ | length)}'
                          data_key: "."
                    """);
            service.start();
            StringBuilder records = new StringBuilder("[");
            for (int i = 0; i < 1000; i++) {
                records.append(i > 0 ? "," : "").append("{\"amount\":").append(i).append(",\"source\":\"s")
                        .append(i % 7).append("\"}");
            }
            JsonNode batch = JSON.readTree(records.append("]").toString());
            // a caller that waits (the run written once at its end), then one answered at admission (start and end)
            Response waited = service.post("/api/flows/launch?wait=true",
                    "{\"path\": \"batch.yml\", \"data\": " + batch + "}");
            assertThat(waited.status()).as(waited.body()).isEqualTo(200);
            Response admitted = service.post("/api/flows/launch", "{\"path\": \"batch.yml\", \"data\": " + batch + "}");
            assertThat(admitted.status()).as(admitted.body()).isEqualTo(202);
            for (Response launched : new Response[] {waited, admitted}) {
                String id = launched.json().get("execution_id").asText();
                await().atMost(Duration.ofSeconds(20)).until(() -> "success".equals(
                        service.get("/api/executions/" + id).json().path("status").asText()));
                JsonNode run = service.get("/api/executions/" + id).json();
                assertThat(run.get("input")).isEqualTo(batch);
                assertThat(run.get("data").get("__input__")).isEqualTo(batch);
                assertThat(run.get("data").has("count")).isTrue();
                assertThat(run.get("data").get("__job_id__").asText()).isEqualTo(id);
                assertThat(row(service, id)).as("stored once: the data column has no copy of the records")
                        .isEqualTo("true " + false);
            }
        }
    }

    @Test
    void aFlowThatReplacesItsInputKeepsItsOwnInItsData() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("replace.yml", """
                    name: replace
                    steps:
                      - name: __input__
                        type: set_fact
                        set_fact:
                          value: {replaced: true}
                    """);
            service.start();
            Response launched = service.post("/api/flows/launch?wait=true",
                    "{\"path\": \"replace.yml\", \"data\": {\"amount\": 3}}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(200);
            String id = launched.json().get("execution_id").asText();
            JsonNode run = service.get("/api/executions/" + id).json();
            assertThat(run.get("input")).isEqualTo(JSON.readTree("{\"amount\": 3}"));
            assertThat(run.get("data").get("__input__").get("replaced").asBoolean()).isTrue();
            assertThat(row(service, id)).isEqualTo("false false");
        }
    }

    /** The run's input_in_data, and whether its data column holds "amount" (a copy of the input). */
    private static String row(ServiceFixture service, String id) {
        return service.service().database().inTransaction("read the row", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT input_in_data, data LIKE '%amount%' FROM executions WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1) + " " + rs.getBoolean(2);
                }
            }
        });
    }
}
