package io.octoflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.database.Database;
import io.octoflow.history.ExecutionRepository;
import io.octoflow.history.JdbcExecutionRepository;
import io.octoflow.lock.FileLockStore;
import io.octoflow.schedule.Autostart;
import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** Start, stop, a killed process and what the next start makes of it; the API token; CONFIG_FILE autostart. */
class ServiceLifecycleTest {

    @TempDir
    Path root;

    private static final String SLOW = """
            name: slow
            steps:
              - name: nap
                type: sleep
                sleep:
                  seconds: 60
            """;

    @Test
    void aKilledProcessLeavesALockAndARunningRowThatTheNextStartCleansUp() throws Exception {
        ServiceFixture fixture = new ServiceFixture(root);
        fixture.files().flow("slow.yml", SLOW);
        Process child = startChild(fixture);
        String executionId;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> answers(fixture));
            Response launched = fixture.post("/api/flows/launch", "{\"path\": \"slow.yml\"}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(202);
            executionId = launched.json().get("execution_id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "running".equals(fixture.get("/api/executions/" + executionId).json().path("status").asText()));
            assertThat(lockFiles()).hasSize(1);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(lockFiles()).as("the killed process could not release its lock").hasSize(1);

        try (LogCapture log = new LogCapture(FileLockStore.class.getName())) {
            fixture.start();
            assertThat(log.text()).contains("Removed stale lock of flow 'slow.yml'");
        }
        try {
            assertThat(lockFiles()).isEmpty();
            assertThat(fixture.get("/api/locks").json()).isEmpty();
            JsonNode execution = fixture.get("/api/executions/" + executionId).json();
            assertThat(execution.get("status").asText()).isEqualTo("aborted");
            assertThat(execution.get("error").asText()).contains("stopped");
            assertThat(fixture.post("/api/flows/launch", "{\"path\": \"slow.yml\"}").status()).isEqualTo(202);
        } finally {
            fixture.service().shutdownGrace(Duration.ofMillis(200));
            fixture.close();
        }
    }

    @Test
    void aCleanStopLetsShortRunsFinishAbortsLongOnesAndLeavesNoLockOrRunningRow() throws Exception {
        String shortId;
        String longId;
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("slow.yml", SLOW);
            service.files().flow("short.yml", """
                    name: short
                    steps:
                      - name: nap
                        type: sleep
                        sleep:
                          seconds: 1
                    """);
            service.start();
            service.service().shutdownGrace(Duration.ofSeconds(3));
            longId = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}").json().get("execution_id").asText();
            shortId = service.post("/api/flows/launch", "{\"path\": \"short.yml\"}").json().get("execution_id")
                    .asText();
            assertThat(lockFiles()).hasSize(2);
        }
        assertThat(lockFiles()).isEmpty();
        try (Database db = Database.open("jdbc:h2:file:" + root.resolve("data/octoflow"), null, null)) {
            ExecutionRepository store = new JdbcExecutionRepository(db);
            assertThat(store.find(shortId).orElseThrow().status()).isEqualTo("success");
            Execution aborted = store.find(longId).orElseThrow();
            assertThat(aborted.status()).isEqualTo("aborted");
            assertThat(aborted.endedAt()).isNotNull();
            assertThat(store.list(new ExecutionQuery(null, "running", null, null, 100, 0))).isEmpty();
        }
    }

    @Test
    void aFireMissedWhileDownRunsOnceAtStart() throws Exception {
        // the last recorded fire of a daily flow was three days ago: three fires were missed, one run makes up
        Instant lastFire = ZonedDateTime.now(ZoneOffset.UTC).minusDays(3).withHour(3).withMinute(0).withSecond(0)
                .withNano(0).toInstant();
        try (Database db = Database.open("jdbc:h2:file:" + root.resolve("data/octoflow"), null, null)) {
            ExecutionRepository store = new JdbcExecutionRepository(db);
            store.record(new Execution("old-run", "daily", "daily.yml", "schedule", lastFire, lastFire,
                    lastFire.plusSeconds(1), "success", null, null, null, List.of()));
        }
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("daily.yml", """
                    name: daily
                    cron: "0 3 * * *"
                    steps:
                      - name: hello
                        type: debug
                    """);
            service.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> scheduledRuns(service).size() == 2);
            Thread.sleep(1500);
            List<JsonNode> runs = scheduledRuns(service);
            assertThat(runs).hasSize(2);
            JsonNode catchUp = runs.get(0);
            assertThat(catchUp.get("status").asText()).isEqualTo("success");
            assertThat(OffsetDateTime.parse(catchUp.get("scheduled_at").asText()).toInstant())
                    .isEqualTo(lastFire.plus(Duration.ofDays(1)));
        }
    }

    @Test
    void everyScheduleFiresShortlyAfterStartEvenTheHourlyOnes() throws Exception {
        // camel-quartz drops a fire that comes before its trigger's start, and Quartz fires up to 2 ms early: an
        // hourly flow losing its first fire would first run an hour after start
        int flows = 60;
        try (ServiceFixture service = new ServiceFixture(root)) {
            for (int i = 0; i < flows; i++) {
                service.files().flow("hourly-" + i + ".yml", "name: hourly " + i + "\nevery_seconds: 3600\nsteps:\n"
                        + "  - name: a\n    type: debug\n");
            }
            service.start();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    service.get("/api/executions?status=success&limit=1000").json().size() == flows);
            JsonNode runs = service.get("/api/executions?limit=1000").json();
            assertThat(runs).hasSize(flows).allSatisfy(run ->
                    assertThat(run.get("trigger").asText()).isEqualTo("schedule"));
        }
    }

    @Test
    void withoutApiTokenATokenIsGeneratedIntoAPrivateFileAndNeverLogged() throws Exception {
        ServiceFixture service = new ServiceFixture(root);
        service.set("API_TOKEN", "");
        service.files().flow("hello.yml", "name: hello\nsteps:\n  - name: a\n    type: debug\n");
        Path tokenFile = root.resolve("data/api-token");
        String token;
        try (LogCapture log = new LogCapture(OctoflowService.class.getName())) {
            service.start();
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            assertThat(token).hasSizeGreaterThanOrEqualTo(40);
            assertThat(log.text()).contains(tokenFile.toString()).doesNotContain(token);
        }
        try {
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(service.get("/api/flows").status()).as("the fixture's token is not the one").isEqualTo(401);
            Response withFileToken = service.send(service.request("/api/flows").setHeader("Authorization",
                    "Bearer " + token));
            assertThat(withFileToken.status()).isEqualTo(200);
        } finally {
            service.close();
        }
        // the next start keeps the same token
        try (ServiceFixture again = new ServiceFixture(root)) {
            again.set("API_TOKEN", "");
            again.start();
            assertThat(Files.readString(tokenFile, StandardCharsets.UTF_8).trim()).isEqualTo(token);
            assertThat(again.send(again.request("/api/flows").setHeader("Authorization", "Bearer " + token)).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void configFileAutostartAcceptsTheSpoolerListAndScheduledEntries() throws Exception {
        Path config = root.resolve("data/config.yml");
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.set("CONFIG_FILE", config.toString());
            service.files().flow("own schedule.yml", """
                    name: own schedule
                    cron: "0 4 * * *"
                    steps:
                      - name: a
                        type: debug
                    """);
            service.files().flow("plain.yml", "name: plain\nsteps:\n  - name: a\n    type: debug\n");
            service.files().flow("other.yml", "name: other\nsteps:\n  - name: a\n    type: debug\n");
            Files.writeString(config, """
                    autostart:
                      - own schedule.yml
                      - plain.yml
                      - missing.yml
                    autostart_flows:
                      - path: plain.yml
                        every_seconds: 1
                        timeout_seconds: 20
                      - path: other.yml
                        cron: "30 5 * * 1"
                    """);
            try (LogCapture log = new LogCapture(Autostart.class.getName())) {
                service.start();
                assertThat(log.text()).contains("'plain.yml' has no schedule", "'missing.yml' is not a valid flow");
            }
            JsonNode flows = service.get("/api/flows").json().get("flows");
            assertThat(entries(flows, "own schedule")).hasSize(1);
            assertThat(entries(flows, "plain")).singleElement().satisfies(e -> {
                assertThat(e.get("source").asText()).isEqualTo("config");
                assertThat(e.get("every_seconds").asInt()).isEqualTo(1);
                assertThat(e.get("timeout_seconds").asInt()).isEqualTo(20);
            });
            assertThat(entries(flows, "other")).singleElement().satisfies(e ->
                    assertThat(e.get("cron").asText()).isEqualTo("30 5 * * 1"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    service.get("/api/executions?flow=plain&status=success").json().size() >= 2);
        }
    }

    private static List<JsonNode> entries(JsonNode flows, String name) {
        List<JsonNode> out = new java.util.ArrayList<>();
        flows.forEach(f -> {
            if (f.get("name").asText().equals(name)) {
                out.add(f);
            }
        });
        return out;
    }

    private static List<JsonNode> scheduledRuns(ServiceFixture service) {
        List<JsonNode> out = new java.util.ArrayList<>();
        service.get("/api/executions?flow=daily").json().forEach(out::add);
        return out;
    }

    private List<Path> lockFiles() throws Exception {
        Path locks = root.resolve("locks");
        if (!Files.isDirectory(locks)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(locks)) {
            return files.filter(f -> f.getFileName().toString().endsWith(FileLockStore.SUFFIX)).toList();
        }
    }

    /** Ready, as a probe sees it: the health port answers before every API route is added. */
    private static boolean answers(ServiceFixture fixture) {
        try {
            return fixture.get("/health/ready").status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** `octoflow run` in its own JVM, configured through the environment the way a user would. */
    private Process startChild(ServiceFixture fixture) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.octoflow.Octoflow", "run")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("child.log").toFile());
        Map<String, String> env = builder.environment();
        var config = fixture.files().config();
        env.put("DATA_PATH", config.dataPath().toString());
        env.put("FLOWS_PATH", config.flowsPath().toString());
        env.put("TEMPLATES_PATH", config.templatesPath().toString());
        env.put("LOCK_PATH", config.lockPath().toString());
        env.put("DB_URL", config.dbUrl());
        env.put("API_PORT", Integer.toString(fixture.port()));
        env.put("API_TOKEN", ServiceFixture.TOKEN);
        return builder.start();
    }
}
