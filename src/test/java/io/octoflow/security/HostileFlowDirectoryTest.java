package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18: a running service given hostile flow files, at start and dropped while it runs. It starts, stays up
 * (health answers within a second throughout), lists each file as invalid with its problem, keeps deploying good
 * files, resolves no placeholder of user text, forges no log line, and lets nothing be written outside DATA_PATH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileFlowDirectoryTest {

    private static final Duration WATCH = Duration.ofSeconds(30);
    private static final String SECRET = "sekret-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path root;
    ServiceFixture service;
    Path outside;
    long outsideBytesAtStart;
    int hostileAtStart;

    @BeforeAll
    void start() throws Exception {
        outside = Files.createDirectories(root.resolve("outside"));
        service = new ServiceFixture(root.resolve("octoflow")).set("LOG_PATH", root.resolve("logs").toString());
        service.files().flow("good.yml", """
                name: good
                every_seconds: 3600
                steps:
                  - name: greet
                    type: set_fact
                    set_fact:
                      value: hello
                """);
        hostileAtStart = HostileFlowFiles.write(service.files().flows().resolve("at-start"), outside);
        // Camel reads {{...}} as a property placeholder, and {{sys:...}} / {{env:...}} as the JVM's secrets
        System.setProperty("octoflow.test.secret", SECRET);
        service.files().flow("{{sys:octoflow.test.secret}}/placeholders.yml", """
                name: "{{sys:octoflow.test.secret}}"
                description: "{{sys:octoflow.test.secret}} {{env:PATH}}"
                steps:
                  - name: "{{sys:octoflow.test.secret}}"
                    type: set_fact
                    set_fact:
                      value: "{{ 'kept' }}"
                """);
        // a line break in a flow name, in two files (a shared name is logged with both paths)
        for (String file : List.of("evil-a.yml", "evil-b.yml")) {
            service.files().flow(file, """
                    name: "evil\\nFORGED-LINE ERROR admin logged in\\r\\nFORGED-LINE 2"
                    steps:
                      - name: "step\\nFORGED-LINE 3"
                        type: debug
                    """);
        }
        // writes that try to leave DATA_PATH
        Files.createDirectories(service.files().data());
        Files.createSymbolicLink(service.files().data().resolve("dangling.txt"), outside.resolve("created.txt"));
        Files.createSymbolicLink(service.files().data().resolve("out"), outside);
        int i = 0;
        for (String path : List.of("dangling.txt", "out/through-link.txt", "../escape.txt",
                outside.resolve("absolute.txt").toString(), "{{ name }}")) {
            service.files().flow("escape/e" + i++ + ".yml", """
                    name: escape
                    steps:
                      - name: payload
                        type: set_fact
                        set_fact:
                          value: escaped bytes
                      - name: write
                        type: file
                        file:
                          path: "%s"
                          mode: %s
                          data_key: payload
                    """.formatted(path, i % 2 == 0 ? "write" : "append"));
        }
        // a Camel YAML DSL route file named .yml (the README says they load)
        service.files().flow("camel/route.yml", """
                - route:
                    id: sec-camel-yml
                    from:
                      uri: direct:sec-camel-yml
                      steps:
                        - setBody:
                            constant: pong
                """);
        outsideBytesAtStart = outsideBytes();
        service.start();
    }

    @AfterAll
    void stop() {
        System.clearProperty("octoflow.test.secret");
        service.close();
    }

    @Test
    void theServiceStartsWithEveryHostileFileAndListsEachAsInvalid() throws Exception {
        assertThat(service.get("/health/ready").status()).isEqualTo(200);
        assertThat(flowPaths()).contains("good.yml");
        assertThat(service.service().scheduler().isPaused("good.yml")).isFalse();
        Set<String> invalid = invalidPaths();
        for (String name : HostileFlowFiles.contents().keySet()) {
            assertThat(invalid).as(name).contains("at-start/" + name);
        }
        assertThat(invalid).contains("at-start/link-outside.yml");
        assertThat(service.service().directory().flows()).noneMatch(f -> f.path().startsWith("at-start/"));
        assertThat(service.service().camel().getRoute("sec-camel-yml")).as("a Camel .yml route file").isNotNull();
        assertThat(invalidProblem("at-start/alias-bomb.yml")).contains("FLOW_FILE_MAX_NODES");
        assertThat(invalidProblem("at-start/deep-lists.yml")).contains("FLOW_FILE_MAX_DEPTH");
        assertThat(invalidProblem("at-start/large.yml")).contains("FLOW_FILE_MAX_BYTES");
        assertThat(invalidProblem("at-start/camel-bomb.yml")).contains("FLOW_FILE_MAX_NODES");
    }

    @Test
    void healthAnswersWithinASecondWhileHostileFilesAreDroppedIn() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong slowest = new AtomicLong();
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Thread prober = new Thread(() -> {
            while (!done.get()) {
                long start = System.nanoTime();
                int status = service.get("/health/live").status();
                long millis = (System.nanoTime() - start) / 1_000_000;
                slowest.accumulateAndGet(millis, Math::max);
                probes.incrementAndGet();
                if (status != 200) {
                    failures.incrementAndGet();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        prober.start();
        int dropped;
        try {
            dropped = HostileFlowFiles.write(service.files().flows().resolve("dropped"), outside);
            // the bodies of POST /api/validate go through the same limits
            Response bomb = service.post("/api/validate", HostileFlowFiles.aliasBomb());
            assertThat(bomb.status()).as(bomb.body()).isEqualTo(200);
            assertThat(bomb.body()).contains("FLOW_FILE_MAX_NODES");
            Response deep = service.post("/api/validate", HostileFlowFiles.deepLists(10_000));
            assertThat(deep.body()).contains("FLOW_FILE_MAX_DEPTH");
            // the watcher still deploys what comes next
            service.files().flow("after.yml", "name: after\nsteps:\n  - name: a\n    type: debug\n");
            await().atMost(WATCH).until(() -> service.service().directory().flowAt("after.yml") != null);
            await().atMost(WATCH).until(() -> invalidPaths().containsAll(
                    HostileFlowFiles.contents().keySet().stream().map(n -> "dropped/" + n).toList()));
        } finally {
            done.set(true);
            prober.join();
        }
        System.out.printf("hostile files: %d at start, %d dropped; %d health probes, slowest %d ms%n",
                hostileAtStart, dropped, probes.get(), slowest.get());
        assertThat(failures.get()).isZero();
        assertThat(slowest.get()).as("slowest /health/live answer (ms)").isLessThan(1_000);
        assertThat(service.service().directory().flowAt("good.yml")).isNotNull();
    }

    @Test
    void placeholdersInNamesPathsAndStepsAreNeverResolved() throws Exception {
        String path = "{{sys:octoflow.test.secret}}/placeholders.yml";
        Response run = service.post("/api/flows/launch?wait=true", "{\"path\": \"" + path + "\"}");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        assertThat(run.json().get("flow").asText()).isEqualTo("{{sys:octoflow.test.secret}}");
        assertThat(run.body()).doesNotContain(SECRET);
        String metrics = service.get("/metrics").body();
        assertThat(metrics).contains("{{sys:octoflow.test.secret}}").doesNotContain(SECRET);
        assertThat(metrics).doesNotContain(System.getenv("PATH"));
        var route = service.service().camel().getRoute(service.service().directory().flowAt(path).routeId());
        assertThat(route.getDescription()).isEqualTo("{{sys:octoflow.test.secret}} {{env:PATH}}");
        assertThat(service.get("/api/flows").body()).doesNotContain(SECRET);
        Response one = service.get("/api/flows/" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        assertThat(one.body()).doesNotContain(SECRET);
    }

    @Test
    void aLineBreakInAFlowNameForgesNoLogLine() throws Exception {
        Response run = service.post("/api/flows/launch?wait=true", "{\"path\": \"evil-a.yml\"}");
        assertThat(run.status()).as(run.body()).isEqualTo(200);
        Path log = root.resolve("logs/octoflow.log");
        await().atMost(WATCH).until(() -> Files.readString(log).contains("FORGED-LINE 3"));
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).anyMatch(l -> l.contains("evil-a.yml") && l.contains("evil-b.yml"));
        assertThat(lines).noneMatch(l -> l.startsWith("FORGED-LINE"));
    }

    @Test
    void noFlowWritesOutsideDataPath() throws Exception {
        for (int i = 0; i < 5; i++) {
            Response run = service.post("/api/flows/launch?wait=true",
                    "{\"path\": \"escape/e" + i + ".yml\", \"data\": {\"name\": \"../../outside/templated.txt\"}}");
            assertThat(run.status()).as(run.body()).isIn(200, 400);
            if (run.status() == 200) {
                assertThat(run.json().get("status").asText()).as(run.body()).isEqualTo("failed");
            }
        }
        long escaped = outsideBytes() - outsideBytesAtStart;
        System.out.printf("bytes written outside DATA_PATH: %d%n", escaped);
        assertThat(escaped).isZero();
        assertThat(outside.resolve("created.txt")).doesNotExist();
        assertThat(outside.resolve("through-link.txt")).doesNotExist();
    }

    private long outsideBytes() throws IOException {
        try (var files = Files.walk(outside)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("pipe.yml"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private List<String> flowPaths() {
        List<String> paths = new ArrayList<>();
        for (JsonNode flow : service.get("/api/flows").json().get("flows")) {
            paths.add(flow.get("path").asText());
        }
        return paths;
    }

    private Set<String> invalidPaths() {
        Set<String> paths = new HashSet<>();
        for (JsonNode file : service.get("/api/flows").json().get("invalid_files")) {
            paths.add(file.get("path").asText());
        }
        return paths;
    }

    private String invalidProblem(String path) {
        for (JsonNode file : service.get("/api/flows").json().get("invalid_files")) {
            if (file.get("path").asText().equals(path)) {
                return file.get("problems").toString();
            }
        }
        return "";
    }
}
