package io.octoflow.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.octoflow.support.TestHttpServer;

/** LOG_PATH/octoflow.log of a started service: run context on each line, no secrets, JSON, rotation, the API. */
class ServiceLogsTest {

    private static final String GITHUB_TOKEN = "ghp_LogSecret31337";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    ServiceFixture service;
    TestHttpServer api;
    Path logs;

    @BeforeEach
    void setUp() {
        api = TestHttpServer.start();
        // answers with the credentials it got, in the error text the step logs
        api.respond("/reject", request -> TestHttpServer.Response.status(401, "text/plain",
                "rejected: " + request.header("Authorization")));
        logs = root.resolve("logs");
        service = new ServiceFixture(root).set("LOG_PATH", logs.toString());
        service.files().secretsFile("""
                - name: gh
                  type: token
                  token: %s
                """.formatted(GITHUB_TOKEN));
        service.files().flow("leaky.yml", """
                name: leaky
                steps:
                  - name: call with token
                    type: rest
                    rest:
                      uri: "%s"
                      authentication: {type: token, secret: gh}
                """.formatted(api.url("/reject")));
        service.files().flow("items.yml", """
                name: items
                steps:
                  - name: list
                    type: set_fact
                    result_key: numbers
                    set_fact:
                      value: [1, 2, 3]
                  - name: each item
                    type: flow_loop
                    flow_loop:
                      path: lib/item.yml
                      data_key: numbers
                """);
        service.files().flow("lib/item.yml", """
                name: item
                steps:
                  - name: show item
                    type: debug
                    debug:
                      message: "item {{ __input__ }}"
                """);
    }

    @AfterEach
    void tearDown() {
        service.close();
        api.close();
    }

    private String launch(String path) {
        Response r = service.post("/api/flows/launch?wait=true", "{\"path\": \"" + path + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("execution_id").asText();
    }

    private List<String> logLines() throws Exception {
        return Files.readAllLines(logs.resolve("octoflow.log"));
    }

    @Test
    void runLinesCarryFlowAndExecutionIdAndNoSecret() throws Exception {
        service.start();
        String leaky = launch("leaky.yml");
        String items = launch("items.yml");
        // a library that quotes a secret (here the API token) in its own words, with its exception
        LogManager.getLogger("org.example.client").warn("connecting with " + ServiceFixture.TOKEN,
                new IllegalStateException("refused token " + ServiceFixture.TOKEN));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logLines())
                .anyMatch(line -> line.contains("flow 'items' (items.yml) success")));
        List<String> lines = logLines();
        assertThat(lines).filteredOn(line -> line.contains("failed at step 'call with token'")).singleElement()
                .asString().contains("[leaky " + leaky + "]").contains("rejected: Bearer ***");
        // the sub-flow's lines, written on flow_loop's worker threads, carry the launched flow's execution
        assertThat(lines).filteredOn(line -> line.contains("item ")).hasSize(3)
                .allMatch(line -> line.contains("[items " + items + "]"));
        assertThat(lines).anyMatch(line -> line.endsWith("o.e.client - connecting with ***"))
                .anyMatch(line -> line.endsWith("java.lang.IllegalStateException: refused token ***"));
        // lines outside a run carry no run
        assertThat(lines).filteredOn(line -> line.contains("Octoflow API on")).singleElement().asString()
                .doesNotContain("[");
        assertThat(String.join("\n", lines)).doesNotContain(GITHUB_TOKEN, ServiceFixture.TOKEN);
    }

    @Test
    void theApiListsAndServesLogFilesOfLogPathOnly() throws Exception {
        service.start();
        String id = launch("leaky.yml");
        Files.writeString(root.resolve("outside.log"), "not a log of ours");

        JsonNode list = service.get("/api/logs").json();
        assertThat(list.get("files").findValuesAsText("name")).contains("octoflow.log");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                service.get("/api/logs/octoflow.log").body().contains(id));
        Response file = service.get("/api/logs/octoflow.log");
        assertThat(file.header("Content-Type")).startsWith("text/plain");
        assertThat(file.body()).doesNotContain(GITHUB_TOKEN);

        Response tail = service.get("/api/logs/octoflow.log?tail=1");
        assertThat(tail.body().lines().count()).isEqualTo(1);

        assertThat(service.get("/api/logs/..%2Foutside.log").status()).isIn(400, 404);
        assertThat(service.get("/api/logs/.hidden").status()).isEqualTo(400);
        assertThat(service.get("/api/logs/missing.log").status()).isEqualTo(404);
        assertThat(service.send(service.request("/api/logs").setHeader("Authorization", "Bearer no")).status())
                .isEqualTo(401);
    }

    @Test
    void logFormatJsonWritesOneObjectPerLine() throws Exception {
        service.set("LOG_FORMAT", "json").start();
        String id = launch("leaky.yml");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logLines())
                .anyMatch(line -> line.contains("flow 'leaky' (leaky.yml) failed")));
        JsonNode failure = null;
        for (String line : logLines()) {
            JsonNode event = JSON.readTree(line); // every line is one JSON object
            assertThat(event.has("time") && event.has("level") && event.has("message")).as(line).isTrue();
            if (event.get("message").asText().contains("failed at step")) {
                failure = event;
            }
        }
        assertThat(failure).isNotNull();
        assertThat(failure.get("flow").asText()).isEqualTo("leaky");
        assertThat(failure.get("execution_id").asText()).isEqualTo(id);
        assertThat(String.join("\n", logLines())).doesNotContain(GITHUB_TOKEN);
    }

    @Test
    void theLogFileRollsOverAtItsSizeAndOldFilesGo() throws Exception {
        service.set("LOG_MAX_FILE_MB", "1").set("LOG_MAX_FILES", "2").start();
        Logger logger = LogManager.getLogger("io.octoflow.test.volume");
        String line = "x".repeat(1000);
        for (int i = 0; i < 4000; i++) { // about 4 MB: three rollovers
            logger.info("{} {}", i, line);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            try (var files = Files.list(logs)) {
                List<String> rolled = files.map(f -> f.getFileName().toString())
                        .filter(name -> name.matches("octoflow-\\d{4}-\\d{2}-\\d{2}-\\d+\\.log\\.gz")).toList();
                assertThat(rolled).hasSize(2);
            }
        });
        assertThat(Files.size(logs.resolve("octoflow.log"))).isLessThan(1_100_000);
    }
}
