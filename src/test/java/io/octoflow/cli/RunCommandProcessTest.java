package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.OctoflowProcess;
import io.octoflow.support.ServiceFixture;

/** {@code octoflow run} as a real process: how it stops, where it logs, how it refuses to start. */
class RunCommandProcessTest {

    @TempDir
    Path root;

    private Map<String, String> settings(Path dir, int port) {
        return Map.of("DATA_PATH", dir.resolve("data").toString(), "FLOWS_PATH", dir.resolve("flows").toString(),
                "TEMPLATES_PATH", dir.resolve("templates").toString(), "API_PORT", Integer.toString(port),
                "API_TOKEN", ServiceFixture.TOKEN);
    }

    @Test
    void sigtermStopsCleanlyWithExitCodeZeroAndTheServiceLogsOnStdout() {
        try (OctoflowProcess run = OctoflowProcess.start(root, root.resolve("logs"),
                settings(root, ServiceFixture.freePort()), "run")) {
            run.awaitStdout("Octoflow API on");
            run.terminate();
            assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.stdout(), run.stderr()).isZero();
            assertThat(run.stdout()).contains("Octoflow stopping", "Octoflow stopped")
                    // where everything is, as absolute paths
                    .contains("DATA_PATH " + root.resolve("data"), "FLOWS_PATH " + root.resolve("flows"),
                            "relative settings resolve against the working directory " + root)
                    .contains("FLOWS_PATH " + root.resolve("flows") + " does not exist: created empty");
            assertThat(run.stderr()).as("stderr is for the command's own errors").isEmpty();
        }
    }

    @Test
    void ctrlCStopsCleanlyWithExitCodeZeroToo() {
        try (OctoflowProcess run = OctoflowProcess.startInForeground(root, root.resolve("logs"),
                settings(root, ServiceFixture.freePort()), "run")) {
            run.awaitStdout("Octoflow API on");
            run.interrupt();
            assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.stdout(), run.stderr()).isZero();
            assertThat(run.stdout()).contains("Octoflow stopping", "Octoflow stopped");
            assertThat(run.stderr()).isEmpty();
        }
    }

    @Test
    void aSecondSigtermDuringTheStopEndsAtOnceWith143() throws Exception {
        int port = ServiceFixture.freePort();
        Files.createDirectories(root.resolve("flows"));
        Files.writeString(root.resolve("flows/slow.yml"), """
                name: slow
                steps:
                  - name: wait
                    type: sleep
                    sleep: {seconds: 600}
                """);
        try (OctoflowProcess run = OctoflowProcess.start(root, root.resolve("logs"), settings(root, port), "run")) {
            run.awaitStdout("Octoflow API on");
            HttpClient http = HttpClient.newHttpClient();
            String api = "http://localhost:" + port + "/api";
            HttpResponse<String> launched = http.send(HttpRequest.newBuilder(URI.create(api + "/flows/launch"))
                    .header("Authorization", "Bearer " + ServiceFixture.TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"slow.yml\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(launched.statusCode()).as(launched.body()).isEqualTo(202);
            // the run holds its lock: the stop will wait for it (up to 30 s)
            await().atMost(Duration.ofMinutes(1)).until(() -> http.send(HttpRequest.newBuilder(
                    URI.create(api + "/locks")).header("Authorization", "Bearer " + ServiceFixture.TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("slow"));
            run.terminate();
            run.awaitStdout("Octoflow stopping");
            run.terminate();
            assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.stdout(), run.stderr()).isEqualTo(143);
            assertThat(run.stdout()).doesNotContain("Octoflow stopped");
        }
    }

    @Test
    void anUnknownLogLevelIsOneLineNamingTheSettingAndTheAcceptedLevels() {
        Map<String, String> env = new java.util.HashMap<>(settings(root, ServiceFixture.freePort()));
        env.put("LOG_LEVEL", "bogus");
        try (OctoflowProcess run = OctoflowProcess.start(root, root.resolve("logs"), env, "run")) {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr().strip()).isEqualTo("octoflow: LOG_LEVEL: expected one of TRACE, DEBUG, INFO,"
                    + " WARN, ERROR, FATAL, OFF (any case; WARNING and CRITICAL are read as WARN and FATAL), got"
                    + " 'bogus'");
            assertThat(run.stdout()).isEmpty();
        }
    }

    @Test
    void aDatabaseHeldByAnotherOctoflowIsAClearMessageAndExitOne() throws Exception {
        try (ServiceFixture holder = new ServiceFixture(root.resolve("first")).start()) {
            Path data = holder.files().data();
            Map<String, String> env = new java.util.HashMap<>(settings(root.resolve("first"),
                    ServiceFixture.freePort()));
            env.put("DB_URL", holder.files().config().dbUrl());
            try (OctoflowProcess second = OctoflowProcess.start(root, root.resolve("logs"), env, "run")) {
                assertThat(second.exitCode()).isEqualTo(1);
                assertThat(second.stderr()).contains("octoflow: cannot start: the execution history database "
                        + data.resolve("octoflow.mv.db") + " is in use by another process: another Octoflow uses the"
                        + " same DATA_PATH");
                assertThat(second.stdout() + second.stderr()).doesNotContain("Exception", "\tat ");
                assertThat(second.stdout()).contains("Octoflow stopped"); // what it had started, stopped again
            }
            assertThat(holder.get("/health/ready").status()).isEqualTo(200);
        }
    }
}
