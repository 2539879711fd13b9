package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.EmbeddedPostgres;
import io.octoflow.support.OctoflowProcess;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.TestHttpServer;

/**
 * {@code octoflow launch} as a real process next to a service on the same DATA_PATH: it takes the service's lock
 * and is recorded in its history; its logs follow LOG_FORMAT; the README's commands run as written.
 */
class LaunchCommandProcessTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path REPOSITORY = Path.of("").toAbsolutePath();

    @TempDir
    Path root;

    private static Map<String, String> settings(ServiceFixture service) {
        var config = service.files().config();
        Map<String, String> env = new HashMap<>();
        env.put("DATA_PATH", config.dataPath().toString());
        env.put("FLOWS_PATH", config.flowsPath().toString());
        env.put("TEMPLATES_PATH", config.templatesPath().toString());
        env.put("LOCK_PATH", config.lockPath().toString());
        env.put("DB_URL", config.dbUrl());
        return env;
    }

    @Test
    void aFlowTheServiceIsRunningIsNotLaunchedAgain() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("slow.yml", """
                    name: slow
                    steps:
                      - name: wait
                        type: sleep
                        sleep: {seconds: 120}
                    """);
            service.start();
            String running = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}").json()
                    .get("execution_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> service.get("/api/locks").body().contains(running));

            try (OctoflowProcess launch = OctoflowProcess.start(root, root.resolve("logs"), settings(service),
                    "launch", "slow.yml")) {
                assertThat(launch.exitCode()).as(launch.stderr()).isEqualTo(3);
                assertThat(launch.stderr())
                        .contains("flow 'slow' (slow.yml) is already running (locked): locked by pid "
                                + ProcessHandle.current().pid())
                        .contains("(execution " + running + "); not launched")
                        // the service holds the embedded database: the launch says it could not be recorded
                        .contains("a running Octoflow holds the embedded history database "
                                + service.files().data().resolve("octoflow.mv.db"));
                assertThat(launch.stdout()).isEmpty();
            }
            JsonNode runs = service.get("/api/executions?path=slow.yml").json();
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).get("id").asText()).isEqualTo(running);
            assertThat(runs.get(0).get("status").asText()).isEqualTo("running");
            service.post("/api/executions/" + running + "/abort", "");
        }
    }

    /** The other way round, across a restart of the service: a stopping service frees its own locks only. */
    @Test
    void theServiceDoesNotRunAFlowALaunchIsRunningNorFreesItsLockWhenItStops() throws Exception {
        ServiceFixture service = new ServiceFixture(root);
        service.files().flow("slow.yml", """
                name: slow
                steps:
                  - name: wait
                    type: sleep
                    sleep: {seconds: 600}
                """);
        service.files().flow("mine.yml", """
                name: mine
                steps:
                  - name: wait
                    type: sleep
                    sleep: {seconds: 600}
                """);
        service.start();
        try (OctoflowProcess launch = OctoflowProcess.start(root, root.resolve("logs"), settings(service),
                "launch", "slow.yml")) {
            try (service) {
                assertLaunchLockRefuses(service, launch);
                // a run of the service's own, cut by the stop: its lock goes with the service
                String mine = service.post("/api/flows/launch", "{\"path\": \"mine.yml\"}").json()
                        .get("execution_id").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> service.get("/api/locks").body().contains(mine));
            }
            Path locks = service.files().config().lockPath();
            try (var files = Files.list(locks)) {
                assertThat(files.map(f -> f.getFileName().toString()).toList())
                        .as("the launch's lock outlives the service's stop; the service's own is gone")
                        .singleElement().satisfies(name -> assertThat(name).startsWith("slow"));
            }
            try (ServiceFixture restarted = new ServiceFixture(root)) {
                restarted.start(); // its stale-lock sweep keeps the lock of a live process
                assertLaunchLockRefuses(restarted, launch);
            }
        }
    }

    /** The launch's lock, as the service lists it (the other process's pid), refuses the service's own launch. */
    private static void assertLaunchLockRefuses(ServiceFixture service, OctoflowProcess launch) {
        await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(service.get("/api/locks").json())
                .as("stderr of the launch: %s", launch.stderr()).anySatisfy(lock -> {
                    assertThat(lock.get("flow").asText()).isEqualTo("slow");
                    assertThat(lock.get("pid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
                }));
        var refused = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("error").asText()).contains("slow", "locked");
        assertThat(service.get("/api/executions?path=slow.yml&status=running").json()).isEmpty();
    }

    @Test
    void aLaunchIsRecordedInTheHistoryTheServiceReadsAndLogsJsonWhenAsked() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("hello.yml", """
                    name: hello
                    steps:
                      - name: greet
                        type: set_fact
                        set_fact: {value: "hello {{ __input__.who }}"}
                    """);
            Map<String, String> env = settings(service);
            env.put("LOG_FORMAT", "json");
            String executionId;
            try (OctoflowProcess launch = OctoflowProcess.start(root, root.resolve("logs"), env,
                    "launch", "hello.yml", "--data", "{\"who\": \"ada\"}")) {
                assertThat(launch.exitCode()).as(launch.stderr()).isZero();
                JsonNode data = JSON.readTree(launch.stdout());
                assertThat(data.get("greet").asText()).isEqualTo("hello ada");
                executionId = data.get("__job_id__").asText();
                assertThat(launch.stderr()).contains("recorded in the history "
                        + service.files().data().resolve("octoflow.mv.db"));
                // LOG_FORMAT=json: every log line is a JSON object, the run's with its flow and execution id
                List<JsonNode> logLines = launch.stderr().lines().filter(l -> l.startsWith("{"))
                        .map(LaunchCommandProcessTest::json).toList();
                assertThat(logLines).anySatisfy(line -> {
                    assertThat(line.get("logger").asText()).isEqualTo("io.octoflow.launch.Launcher");
                    assertThat(line.get("flow").asText()).isEqualTo("hello");
                    assertThat(line.get("execution_id").asText()).isEqualTo(executionId);
                    assertThat(line.get("message").asText()).contains("success", "cli");
                });
                assertThat(launch.stderr().lines().filter(l -> !l.startsWith("{")).toList())
                        .as("only the one-line summary is not JSON").singleElement()
                        .satisfies(l -> assertThat(l).startsWith("flow 'hello' success in"));
            }
            service.start();
            JsonNode run = service.get("/api/executions/" + executionId).json();
            assertThat(run.get("trigger").asText()).isEqualTo("cli");
            assertThat(run.get("status").asText()).isEqualTo("success");
            assertThat(run.get("path").asText()).isEqualTo("hello.yml");
        }
    }

    /** On PostgreSQL, which several processes share, a launch is recorded while the service runs. */
    @Test
    void aLaunchBesideARunningServiceOnPostgresqlIsRecordedInItsHistory() throws Exception {
        String database = "octoflow_launch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        String admin = EmbeddedPostgres.url();
        int slash = admin.lastIndexOf('/');
        int query = admin.indexOf('?', slash);
        String url = admin.substring(0, slash + 1) + database + (query < 0 ? "" : admin.substring(query));
        try (ServiceFixture service = new ServiceFixture(root).set("DB_URL", url)
                .set("DB_USER", EmbeddedPostgres.user()).set("DB_PASSWORD", EmbeddedPostgres.password())) {
            service.files().flow("hello.yml", """
                    name: hello
                    steps:
                      - name: greet
                        type: set_fact
                        set_fact: {value: "hello {{ __input__.who }}"}
                    """);
            service.start();
            Map<String, String> env = settings(service);
            env.put("DB_USER", EmbeddedPostgres.user());
            env.put("DB_PASSWORD", EmbeddedPostgres.password());
            String executionId;
            try (OctoflowProcess launch = OctoflowProcess.start(root, root.resolve("logs"), env,
                    "launch", "hello.yml", "--data", "{\"who\": \"pg\"}")) {
                assertThat(launch.exitCode()).as(launch.stderr()).isZero();
                JsonNode data = JSON.readTree(launch.stdout());
                assertThat(data.get("greet").asText()).isEqualTo("hello pg");
                executionId = data.get("__job_id__").asText();
                assertThat(launch.stderr()).contains("recorded in the history jdbc:postgresql://")
                        .doesNotContain("not recorded", "standalone");
            }
            JsonNode run = service.get("/api/executions/" + executionId).json();
            assertThat(run.get("trigger").asText()).isEqualTo("cli");
            assertThat(run.get("status").asText()).isEqualTo("success");
            assertThat(run.get("path").asText()).isEqualTo("hello.yml");
        }
    }

    @Test
    void theReadmeCommandWithInputJsonRunsAsWritten() throws Exception {
        Path samples = REPOSITORY.resolve("data/samples");
        try (TestHttpServer upstream = TestHttpServer.start()) {
            upstream.respond("/tickets.json", 200, "application/json",
                    Files.readString(samples.resolve("tickets.json")));
            upstream.respond("/does-not-exist.json", 404, "text/plain", "File not found"); // as http.server says
            Path data = Files.createDirectories(root.resolve("data"));
            // the README's line, from the repository's root; the local server stands in for python3 -m http.server
            // 8000 as the HTTP proxy of every request, so input.json's http://127.0.0.1:8000 reaches it unchanged
            try (OctoflowProcess launch = OctoflowProcess.start(REPOSITORY, root.resolve("logs"),
                    Map.of("DATA_PATH", data.toString(), "HTTP_PROXY", upstream.baseUrl()),
                    "launch", "routes/rest_tickets.yml", "--data", "@input.json")) {
                assertThat(launch.exitCode()).as(launch.stderr()).isZero();
                JsonNode result = JSON.readTree(launch.stdout());
                assertThat(result.get("__input__").get("base_url").asText()).isEqualTo("http://127.0.0.1:8000");
                assertThat(result.get("tickets").findValuesAsText("id")).containsExactly("T-1", "T-2");
            }
            assertThat(upstream.requests("/tickets.json")).singleElement()
                    .satisfies(request -> assertThat(request.queryParam("status")).isEqualTo("new"));
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }
}
