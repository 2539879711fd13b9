package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #8: after a (re)start, the values of secrets.yml are masked from the first run on, not only once some
 * step has used a secret. The first run of a fresh service reads the password from a file, not through a secret,
 * prints it and keeps it in its data: no surface shows it. A secret added to secrets.yml while the service runs is
 * masked too, still without any step using it.
 */
class SecretsMaskedFromStartTest {

    private static final String PASSWORD = "Hunter2-NeverShown-4711";
    private static final String ADDED_LATER = "Added-Later-Token-0815";

    @TempDir
    Path root;

    @Test
    void aPasswordReadFromAFileIsMaskedOnEverySurfaceInTheFirstRun() throws Exception {
        Path logs = root.resolve("logs");
        try (ServiceFixture service = new ServiceFixture(root).set("LOG_PATH", logs.toString())) {
            service.files().secretsFile("""
                    - name: database
                      username: octo
                      password: %s
                    """.formatted(PASSWORD));
            service.files().dataFile("copied/password.txt", PASSWORD);
            service.files().dataFile("copied/token.txt", ADDED_LATER);
            service.files().flow("leak.yml", """
                    name: leak
                    steps:
                      - name: password
                        type: file
                        file:
                          path: copied/password.txt
                          type: text
                      - name: show
                        type: debug
                        debug:
                          message: "the password is {{ password }}"
                    """);
            service.files().flow("later.yml", """
                    name: later
                    steps:
                      - name: token
                        type: file
                        file:
                          path: copied/token.txt
                          type: text
                      - name: show
                        type: debug
                        debug:
                          message: "the token is {{ token }}"
                    """);
            service.start();

            Response launch = service.post("/api/flows/launch?wait=true", "{\"path\": \"leak.yml\"}");
            assertThat(launch.status()).as(launch.body()).isEqualTo(200);
            String id = launch.json().get("execution_id").asText();
            assertThat(launch.json().at("/data/password").asText()).isEqualTo("***");
            assertThat(launch.body()).doesNotContain(PASSWORD);

            Response history = service.get("/api/executions/" + id);
            assertThat(history.json().at("/data/password").asText()).isEqualTo("***");
            assertThat(history.body()).doesNotContain(PASSWORD);
            assertThat(service.get("/api/executions?limit=10").body()).doesNotContain(PASSWORD);

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Files.readString(logs.resolve("octoflow.log")).contains("the password is"));
            String logFile = Files.readString(logs.resolve("octoflow.log"));
            assertThat(logFile).contains("the password is ***").doesNotContain(PASSWORD);
            Response apiLog = service.get("/api/logs/octoflow.log");
            assertThat(apiLog.body()).contains("the password is ***").doesNotContain(PASSWORD);

            // a secret added while the service runs is masked without any step asking for it
            service.files().secretsFile("""
                    - name: database
                      username: octo
                      password: %s
                    - name: ci
                      type: token
                      token: %s
                    """.formatted(PASSWORD, ADDED_LATER));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    service.service().engine().masker().mask(ADDED_LATER).equals("***"));
            Response later = service.post("/api/flows/launch?wait=true", "{\"path\": \"later.yml\"}");
            assertThat(later.json().at("/data/token").asText()).isEqualTo("***");
            assertThat(later.body()).doesNotContain(ADDED_LATER);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Files.readString(logs.resolve("octoflow.log")).contains("the token is"));
            assertThat(Files.readString(logs.resolve("octoflow.log"))).doesNotContain(ADDED_LATER, PASSWORD);
        }
    }
}
