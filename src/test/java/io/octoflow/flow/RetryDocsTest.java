package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.step.StepRegistry;
import io.octoflow.support.FlowFixture;

/**
 * The example flow of docs/RETRY.md, as written there: it validates, conforms to the JSON Schema, and does what the
 * page says: attempts refused while no server listens, a 503 retried, then success once the server answers.
 */
class RetryDocsTest {

    static final Path DOC = Path.of("docs/RETRY.md");
    static final Path SAMPLES = Path.of("data/samples").toAbsolutePath();

    @TempDir
    Path root;
    HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** The YAML block of the page that holds a flow named {@code name}. */
    static String exampleFlow(String name) throws IOException {
        String page = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(page);
        while (block.find()) {
            if (block.group(1).contains("\nname: " + name + "\n")) {
                return block.group(1);
            }
        }
        throw new AssertionError("no yaml block with the flow '" + name + "' in " + DOC);
    }

    @Test
    void theExampleValidatesAndConformsToTheSchema() throws IOException {
        String yaml = exampleFlow("retry tickets");
        try (FlowFixture fx = new FlowFixture(root)) {
            Path file = fx.flow("retry_tickets.yml", yaml);
            FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new io.octoflow.template.Templates(
                    fx.templates()), fx.flows(), fx.templates());
            assertThat(catalog.check(file)).as("problems").isEmpty();
            RetryPolicy retry = catalog.require(file).steps().get(0).retry();
            assertThat(java.util.List.of(1, 2, 3, 4, 5).stream().map(retry::delayAfter).toList())
                    .as("the waits the comment announces").containsExactly(2000L, 4000L, 8000L, 10000L, 10000L);
        }
        var schema = new ObjectMapper().readTree(FlowSchema.generate(StepRegistry.standard()));
        assertThat(FlowSchemaTest.MiniValidator.validate(schema, new YAMLMapper().readTree(yaml))).isEmpty();
    }

    @Test
    void theExampleRetriesARefusedConnectionAndA503ThenSucceeds() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now: nothing listens there until the first attempt has failed
        }
        try (FlowFixture fx = new FlowFixture(root);
                FlowFixture.LogCapture retries = new FlowFixture.LogCapture("io.octoflow.route.StepRetry")) {
            fx.flow("retry_tickets.yml", exampleFlow("retry tickets"));
            FlowDefinition flow = fx.load("retry_tickets.yml");
            LaunchRequest request = new LaunchRequest(UUID.randomUUID().toString(), Instant.now(),
                    Map.of("base_url", "http://127.0.0.1:" + port), Map.of());
            CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                    () -> fx.engine().run(flow, request, Duration.ofSeconds(120)));

            await().atMost(Duration.ofSeconds(30)).until(() -> retries.text().contains("attempt 1 of 6 failed"));
            AtomicInteger calls = new AtomicInteger();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/tickets.json", exchange -> {
                boolean busy = calls.incrementAndGet() == 1;
                byte[] body = busy ? "busy".getBytes(StandardCharsets.UTF_8)
                        : Files.readAllBytes(SAMPLES.resolve("tickets.json"));
                exchange.getResponseHeaders().add("Content-Type", busy ? "text/plain" : "application/json");
                exchange.sendResponseHeaders(busy ? 503 : 200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            RunResult r = run.get(120, TimeUnit.SECONDS);

            assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
            assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status() + ":" + s.attempt())
                    .containsExactly("get tickets:retried:1", "get tickets:retried:2", "get tickets:success:3",
                            "report:success:1");
            assertThat(r.steps().get(0).error()).contains("Connection refused");
            assertThat(r.steps().get(1).error()).contains("HTTP status 503");
            long fresh = new ObjectMapper().readTree(SAMPLES.resolve("tickets.json").toFile()).path("result")
                    .findValuesAsText("status").stream().filter("new"::equals).count();
            assertThat(r.data()).containsEntry("report", fresh + " new tickets, 0 errors");
            assertThat(calls.get()).isEqualTo(2);
        }
    }
}
