package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The example flows of docs/TRIGGERS.md (examples/triggers/): each is in the document as it is in its file, they
 * all deploy on a started service, and each runs from its own event with the documented outcome.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriggerExamplesTest {

    static final Path EXAMPLES = Path.of("examples/triggers").toAbsolutePath().normalize();
    static final String SECRET = "example-secret-7c1d";

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root).set("FILE_TRIGGER_POLL_MILLIS", "200");
        service.files().secretsFile("""
                - name: events-hook
                  type: token
                  token: %s
                """.formatted(SECRET));
        for (Path example : examples()) {
            service.files().flow(example.getFileName().toString(), Files.readString(example));
        }
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private JsonNode ended(String path) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode runs = service.get("/api/executions?path=" + path).json();
            return runs.size() > 0 && !runs.get(0).path("status").asText().equals("running");
        });
        String id = service.get("/api/executions?path=" + path).json().get(0).path("id").asText();
        return service.get("/api/executions/" + id).json();
    }

    @Test
    void everyExampleIsInTheDocumentAsItIsInItsFileAndDeploys() throws IOException {
        String doc = Files.readString(Path.of("docs/TRIGGERS.md"));
        List<Path> examples = examples();
        assertThat(examples).hasSize(4);
        for (Path example : examples) {
            assertThat(doc).as(example.getFileName().toString()).contains(Files.readString(example).trim());
        }
        JsonNode flows = service.get("/api/flows").json();
        assertThat(flows.path("invalid_files")).as(flows.toString()).isEmpty();
        assertThat(flows.path("deployed")).hasSize(examples.size());
    }

    @Test
    void theEventApiRoutesByAmount() {
        for (String amount : List.of("7.5", "2")) {
            Response r = service.send(HttpRequest.newBuilder(java.net.URI.create(service.url("/hooks/events")))
                    .header("Authorization", "Bearer " + SECRET)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\": " + amount + "}")));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String id = r.json().path("execution_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    service.get("/api/executions/" + id).json().path("status").asText().equals("success"));
            JsonNode data = service.get("/api/executions/" + id).json().path("data");
            assertThat(data.path("store").asText()).isEqualTo(amount.equals("2") ? "low" : "high");
            assertThat(data.path("received").asText()).startsWith(amount + " via webhook /hooks/events at ");
        }
    }

    @Test
    void theAggregatorAnswersItsSummary() {
        Response r = service.post("/hooks/aggregate", "{\"amounts\": [1, 6, 9]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("count").asInt()).isEqualTo(3);
        assertThat(r.json().path("high").asInt()).isEqualTo(2);
        assertThat(r.json().path("total").asInt()).isEqualTo(16);
    }

    @Test
    void aFileInTheInboxRunsInboxThenAfterInbox() throws IOException {
        Path inbox = service.files().data().resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("order-17.json"), "{\"id\": 17, \"lines\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}]}");
        JsonNode inboxRun = ended("inbox.yml");
        assertThat(inboxRun.path("status").asText()).isEqualTo("success");
        assertThat(inboxRun.path("data").path("order").path("lines").asInt()).isEqualTo(2);
        JsonNode after = ended("after_inbox.yml");
        assertThat(after.path("trigger").asText()).isEqualTo("flow");
        assertThat(after.path("data").path("note").asText())
                .isEqualTo("order 17 from inbox/order-17.json done (run " + inboxRun.path("id").asText() + ")");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done/order-17.json")));
    }
}
