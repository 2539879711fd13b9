package io.octoflow.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The drop-in directory of a started service: files added, changed, broken, fixed, renamed and deleted while it
 * runs, seen through the REST API; Camel YAML DSL route files next to the flows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DropInDirectoryTest {

    private static final Duration WATCH = Duration.ofSeconds(10);

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("existing.yml", greeting("existing", "v1"));
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aNewFileIsDeployedAndAChangeReplacesIt() throws Exception {
        Path file = service.files().flows().resolve("added.yml");
        write(file, greeting("added", "v1"));
        await().atMost(WATCH).until(() -> "v1".equals(greetingOf("added.yml")));

        write(file, greeting("added", "v2"));
        await().atMost(WATCH).until(() -> "v2".equals(greetingOf("added.yml")));
    }

    @Test
    void aBrokenChangeIsReportedWithItsLineAndThePreviousVersionKeepsRunning() throws Exception {
        Path file = service.files().flows().resolve("fragile.yml");
        write(file, greeting("fragile", "good"));
        await().atMost(WATCH).until(() -> "good".equals(greetingOf("fragile.yml")));

        try (LogCapture log = new LogCapture(FlowDirectory.class.getName())) {
            write(file, """
                    name: fragile
                    steps:
                      - name: greet
                        type: set_fact
                        set_fact:
                          value: broken
                        when: [{not: a condition}]
                    """);
            await().atMost(WATCH).until(() -> invalidFile("fragile.yml") != null);
            JsonNode invalid = invalidFile("fragile.yml");
            assertThat(invalid.get("running_previous_version").asBoolean()).isTrue();
            assertThat(invalid.at("/problems/0/line").asInt()).isEqualTo(7);
            // an unknown key would only be a warning (the spooler ignores it): a when that is no string is an error
            assertThat(invalid.at("/problems/0/message").asText()).contains("when");
            assertThat(log.text()).contains("fragile.yml:7:", "when", "previous version keeps running");
        }
        // the previous version still runs, launched and listed
        assertThat(greetingOf("fragile.yml")).isEqualTo("good");

        write(file, greeting("fragile", "fixed"));
        await().atMost(WATCH).until(() -> invalidFile("fragile.yml") == null);
        assertThat(greetingOf("fragile.yml")).isEqualTo("fixed");
    }

    @Test
    void aBrokenNewFileIsListedAndRefusedWithoutHarmingTheOthers() throws Exception {
        write(service.files().flows().resolve("never good.yml"), "name: never good\nsteps: 3\n");
        await().atMost(WATCH).until(() -> invalidFile("never good.yml") != null);
        assertThat(invalidFile("never good.yml").get("running_previous_version").asBoolean()).isFalse();
        Response launch = service.post("/api/flows/launch", "{\"path\": \"never good.yml\"}");
        assertThat(launch.status()).isEqualTo(400);
        assertThat(greetingOf("existing.yml")).isEqualTo("v1");
    }

    @Test
    void deletingAFileRemovesItsFlowAndSchedule() throws Exception {
        Path file = service.files().flows().resolve("doomed.yml");
        write(file, """
                name: doomed
                every_seconds: 3600
                steps:
                  - name: greet
                    type: debug
                """);
        await().atMost(WATCH).until(() -> scheduled("doomed"));
        Files.delete(file);
        await().atMost(WATCH).until(() -> !scheduled("doomed"));
        // the flow is listed until its route is gone: its first fire (which built the route) may still be running
        await().atMost(WATCH).until(() -> service.post("/api/flows/launch", "{\"path\": \"doomed.yml\"}")
                .status() == 404);
        assertThat(service.service().camel().getRoute("flow-doomed.yml")).isNull();
    }

    @Test
    void aChangeThatDropsTheScheduleUnschedulesTheFlow() throws Exception {
        Path file = service.files().flows().resolve("was scheduled.yml");
        write(file, "name: was scheduled\nevery_seconds: 3600\nsteps:\n  - name: a\n    type: debug\n");
        await().atMost(WATCH).until(() -> scheduled("was scheduled"));
        write(file, "name: was scheduled\nsteps:\n  - name: a\n    type: debug\n");
        await().atMost(WATCH).until(() -> !scheduled("was scheduled"));
        assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"was scheduled.yml\"}").json()
                .get("status").asText()).isEqualTo("success");
    }

    @Test
    void subdirectoriesAndRenamesAreFollowed() throws Exception {
        Path dir = service.files().flows().resolve("team/nightly");
        Files.createDirectories(dir);
        write(dir.resolve("report.yml"), greeting("team report", "deep"));
        await().atMost(WATCH).until(() -> "deep".equals(greetingOf("team/nightly/report.yml")));

        // a rename keeps the flow's name: the old path goes, the new one comes, no name clash
        Files.move(dir.resolve("report.yml"), dir.resolve("renamed.yml"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WATCH).until(() -> "deep".equals(greetingOf("team/nightly/renamed.yml")));
        await().atMost(WATCH).until(() -> service.post("/api/flows/launch",
                "{\"path\": \"team/nightly/report.yml\"}").status() == 404);
        assertThat(invalidFile("team/nightly/renamed.yml")).isNull();

        // a directory moved in brings its flows
        Path outside = Files.createDirectories(root.resolve("staging/moved"));
        write(outside.resolve("in.yml"), greeting("moved in", "here"));
        Files.move(outside, service.files().flows().resolve("moved"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(WATCH).until(() -> "here".equals(greetingOf("moved/in.yml")));
    }

    @Test
    void twoFilesMayShareAFlowNameAndEachRunsByItsPath() throws Exception {
        // flows are identified by path (spooler files share names): the copy is a flow of its own
        write(service.files().flows().resolve("copy of existing.yml"), greeting("existing", "copy"));
        await().atMost(WATCH).until(() -> "copy".equals(greetingOf("copy of existing.yml")));
        assertThat(invalidFile("copy of existing.yml")).isNull();
        assertThat(greetingOf("existing.yml")).isEqualTo("v1");
        Files.delete(service.files().flows().resolve("copy of existing.yml"));
        await().atMost(WATCH).until(() -> greetingOf("copy of existing.yml") == null);
        assertThat(greetingOf("existing.yml")).isEqualTo("v1");
    }

    @Test
    void camelYamlDslRouteFilesAreLoadedSwappedAndRemoved() throws Exception {
        Path out = service.files().data().resolve("yaml-route.txt");
        Path file = service.files().flows().resolve("camel/heartbeat.yaml");
        Files.createDirectories(file.getParent());
        write(file, camelRoute(out, "beat v1"));
        await().atMost(WATCH).until(() -> Files.exists(out) && read(out).equals("beat v1"));
        assertThat(service.service().camel().getRoute("heartbeat")).isNotNull();

        write(file, camelRoute(out, "beat v2"));
        await().atMost(WATCH).until(() -> read(out).equals("beat v2"));

        // broken: the running routes stay, the file is listed with its problem
        write(file, "- route:\n    id: heartbeat\n    from:\n      uri: \"timer:heartbeat\"\n      steps:\n"
                + "        - noSuchEip: {}\n");
        await().atMost(WATCH).until(() -> invalidFile("camel/heartbeat.yaml") != null);
        assertThat(service.service().camel().getRoute("heartbeat")).isNotNull();
        Files.delete(out);
        await().atMost(WATCH).until(() -> Files.exists(out) && read(out).equals("beat v2"));

        Files.delete(file);
        await().atMost(WATCH).until(() -> service.service().camel().getRoute("heartbeat") == null);
        assertThat(invalidFile("camel/heartbeat.yaml")).isNull();
    }

    private static String camelRoute(Path out, String text) {
        return """
                - route:
                    id: heartbeat
                    from:
                      uri: "timer:heartbeat?period=200"
                      steps:
                        - setBody:
                            constant: "%s"
                        - to:
                            uri: "file:%s?fileName=%s"
                """.formatted(text, out.getParent(), out.getFileName());
    }

    private static String greeting(String name, String value) {
        return """
                name: %s
                steps:
                  - name: greet
                    type: set_fact
                    set_fact:
                      value: %s
                """.formatted(name, value);
    }

    /** Launches the flow file and answers its greeting, or null when it cannot run. */
    private String greetingOf(String path) {
        Response answer = service.post("/api/flows/launch?wait=true", "{\"path\": \"" + path + "\"}");
        if (answer.status() != 200) {
            return null;
        }
        return answer.json().at("/data/greet").asText(null);
    }

    private JsonNode invalidFile(String path) {
        for (JsonNode file : service.get("/api/flows").json().get("invalid_files")) {
            if (file.get("path").asText().equals(path)) {
                return file;
            }
        }
        return null;
    }

    private boolean scheduled(String flow) {
        for (JsonNode entry : service.get("/api/flows").json().get("flows")) {
            if (entry.get("name").asText().equals(flow)) {
                return true;
            }
        }
        return false;
    }

    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}
