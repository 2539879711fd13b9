package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * {@code trigger: webhook} over real HTTP on a started service: POST /hooks/<path> launches through the one launch
 * path (history, lock, metrics), answers 202 or the run's result, and refuses (nothing launched) a bad secret, a
 * bad body, an oversize body, an unknown path, a locked flow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookTriggerTest {

    private static final String SECRET = "hook-secret-3b9e71";

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root).set("API_MAX_BODY_BYTES", "2048");
        service.files().secretsFile("""
                - name: events-hook
                  type: token
                  token: %s
                """.formatted(SECRET));
        service.files().flow("events.yml", """
                name: events in
                trigger:
                  webhook:
                    path: events
                    secret: events-hook
                steps:
                  - name: amount
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.amount }}"
                  - name: how
                    type: set_fact
                    set_fact:
                      value: "{{ __trigger__.kind }} {{ __trigger__.path }}"
                """);
        service.files().flow("double.yml", """
                name: doubler
                trigger:
                  webhook:
                    path: double
                    respond: result
                    result_key: doubled
                steps:
                  - name: doubled
                    type: jq
                    jq:
                      expression: '.amount * 2'
                      data_key: __input__
                """);
        service.files().flow("whole.yml", """
                name: whole
                trigger:
                  webhook:
                    path: whole
                    respond: result
                steps:
                  - name: seen
                    type: set_fact
                    set_fact:
                      value: "{{ __trigger__.headers['x-github-event'] }}"
                """);
        service.files().flow("broken.yml", """
                name: broken
                trigger:
                  webhook:
                    path: broken
                    respond: result
                steps:
                  - name: read
                    type: file
                    file:
                      path: no-such-file.json
                """);
        service.files().flow("slow.yml", """
                name: slow
                trigger:
                  webhook:
                    path: slow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 30
                """);
        service.files().flow("naps together.yml", """
                name: naps together
                concurrency: allow
                trigger:
                  webhook:
                    path: naps
                    respond: result
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 8
                """);
        service.files().flow("queued.yml", """
                name: queued
                concurrency: queue
                trigger:
                  webhook:
                    path: queued
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 1
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private Response hook(String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(service.url("/hooks/" + path)))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return service.send(request);
    }

    private JsonNode execution(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Response r = service.get("/api/executions/" + id);
            String status = r.json().path("status").asText();
            return r.status() == 200 && !status.equals("running") && !status.equals("queued");
        });
        return service.get("/api/executions/" + id).json();
    }

    private int executionsOf(String path) {
        return service.get("/api/executions?path=" + path).json().size();
    }

    @Test
    void acceptedWithTheBearerSecretRunsOnceWithTheBodyAsInputAndTheEventAsTrigger() {
        Response r = hook("events", "{\"amount\": 7}", "Authorization", "Bearer " + SECRET);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("status").asText()).isEqualTo("accepted");
        assertThat(r.json().path("path").asText()).isEqualTo("events.yml");
        JsonNode run = execution(r.json().path("execution_id").asText());
        assertThat(run.path("status").asText()).isEqualTo("success");
        assertThat(run.path("trigger").asText()).isEqualTo("webhook");
        assertThat(run.path("input").path("amount").asInt()).isEqualTo(7);
        assertThat(run.path("data").path("amount").asText()).isEqualTo("7");
        assertThat(run.path("data").path("how").asText()).isEqualTo("webhook events");
        assertThat(run.path("data").path("__trigger__").path("received").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain(SECRET);
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void aGithubStyleHmacOfTheBodyIsAcceptedAndAWrongOneRefused() throws Exception {
        String body = "{\"amount\": 3}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        Response ok = hook("events", body, "X-Hub-Signature-256", signature);
        assertThat(ok.status()).as(ok.body()).isEqualTo(202);
        assertThat(execution(ok.json().path("execution_id").asText()).path("status").asText()).isEqualTo("success");

        int before = executionsOf("events.yml");
        Response tampered = hook("events", "{\"amount\": 4}", "X-Hub-Signature-256", signature);
        assertThat(tampered.status()).as(tampered.body()).isEqualTo(401);
        assertThat(executionsOf("events.yml")).isEqualTo(before);
    }

    @Test
    void aMissingOrWrongSecretIs401AndLaunchesNothing() {
        int before = executionsOf("events.yml");
        Response missing = hook("events", "{\"amount\": 1}");
        assertThat(missing.status()).as(missing.body()).isEqualTo(401);
        assertThat(missing.json().path("error").asText()).contains("missing secret");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"octoflow-hooks\"");
        Response wrong = hook("events", "{\"amount\": 1}", "Authorization", "Bearer not-it");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").asText()).isEqualTo("wrong secret");
        // the API token is not the hook's secret
        Response apiToken = hook("events", "{\"amount\": 1}", "Authorization", "Bearer " + ServiceFixture.TOKEN);
        assertThat(apiToken.status()).isEqualTo(401);
        assertThat(executionsOf("events.yml")).isEqualTo(before);
    }

    @Test
    void aMalformedBodyIs400NamingTheProblemAndLaunchesNothing() {
        int before = executionsOf("events.yml");
        Response r = hook("events", "{\"amount\": ", "Authorization", "Bearer " + SECRET);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).startsWith("malformed JSON body").contains("line 1");
        Response twice = hook("events", "{\"a\": 1, \"a\": 2}", "Authorization", "Bearer " + SECRET);
        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.json().path("error").asText()).contains("Duplicate field 'a'");
        assertThat(executionsOf("events.yml")).isEqualTo(before);
    }

    @Test
    void aBodyOverTheApiLimitIs413AndLaunchesNothing() {
        int before = executionsOf("events.yml");
        Response r = hook("events", "{\"pad\": \"" + "x".repeat(4096) + "\"}", "Authorization", "Bearer " + SECRET);
        assertThat(r.status()).isEqualTo(413);
        assertThat(executionsOf("events.yml")).isEqualTo(before);
    }

    @Test
    void anUnknownPathIs404() {
        Response r = hook("nobody-here", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).contains("/hooks/nobody-here");
    }

    @Test
    void respondResultAnswersTheValueAtResultKey() {
        Response r = hook("double", "{\"amount\": 21}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body().trim()).isEqualTo("42");
        assertThat(r.header("X-Octoflow-Execution-Id")).isNotBlank();
    }

    @Test
    void respondResultWithoutResultKeyAnswersTheFinalDataWithTheSafeHeaders() {
        Response r = hook("whole", "[1, 2]", "X-GitHub-Event", "push", "Authorization", "Bearer leak-me-not");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode data = r.json();
        assertThat(data.path("seen").asText()).isEqualTo("push");
        assertThat(data.path("__input__").size()).isEqualTo(2);
        assertThat(data.path("__trigger__").path("kind").asText()).isEqualTo("webhook");
        assertThat(data.path("__trigger__").path("headers").has("authorization")).isFalse();
        assertThat(r.body()).doesNotContain("leak-me-not");
        assertThat(r.header("X-Octoflow-Execution-Id")).isNotBlank();
        assertThat(r.header("Authorization")).isNull(); // the request's headers never go back
    }

    /**
     * More respond: result hooks waiting than Vert.x has worker threads (20): none of them holds one while its run
     * goes on, so the API answers meanwhile, and each gets its run's result (issue 17).
     */
    @Test
    void waitingHooksHoldNoWorkerThreadSoTheApiAnswersMeanwhile() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            waiting.add(http.sendAsync(HttpRequest.newBuilder(java.net.URI.create(service.url("/hooks/naps")))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"nap\": " + i + "}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // each answered by a worker thread while all 30 runs are going on
        await().atMost(Duration.ofSeconds(30)).until(() -> service
                .get("/api/executions?path=naps%20together.yml&status=running").json().size() == 30);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        for (CompletableFuture<HttpResponse<String>> each : waiting) {
            HttpResponse<String> answer = each.get();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Octoflow-Execution-Id")).isPresent();
        }
        assertThat(service.get("/api/executions?path=naps%20together.yml&status=success").json().size())
                .isEqualTo(30);
    }

    @Test
    void respondResultOfAFailedRunIs500WithItsError() {
        Response r = hook("broken", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(500);
        assertThat(r.json().path("status").asText()).isEqualTo("failed");
        assertThat(r.json().path("error").asText()).contains("no-such-file.json");
        assertThat(execution(r.json().path("execution_id").asText()).path("trigger").asText()).isEqualTo("webhook");
    }

    @Test
    void aRunningForbidFlowIs409() {
        Response first = hook("slow", "{}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String id = first.json().path("execution_id").asText();
        try {
            Response second = hook("slow", "{}");
            assertThat(second.status()).as(second.body()).isEqualTo(409);
            assertThat(second.json().path("error").asText()).contains("locked");
        } finally {
            service.post("/api/executions/" + id + "/abort", "");
            execution(id);
        }
    }

    @Test
    void aQueueFlowTakesEveryRequestAndRunsThemOneAfterTheOther() {
        Response first = hook("queued", "{\"n\": 1}");
        Response second = hook("queued", "{\"n\": 2}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(second.status()).as(second.body()).isEqualTo(202);
        assertThat(execution(first.json().path("execution_id").asText()).path("status").asText())
                .isEqualTo("success");
        JsonNode later = execution(second.json().path("execution_id").asText());
        assertThat(later.path("status").asText()).isEqualTo("success");
        assertThat(later.path("input").path("n").asInt()).isEqualTo(2);
    }

    @Test
    void webhookRunsAreCountedByTrigger() {
        Response r = hook("double", "{\"amount\": 1}");
        assertThat(r.status()).isEqualTo(200);
        String metrics = service.get("/metrics").body();
        assertThat(metrics).containsPattern(
                "octoflow_flow_started_total\\{flow=\"doubler\",path=\"double.yml\",trigger=\"webhook\",?\\} [1-9]");
        assertThat(metrics).containsPattern(
                "octoflow_flow_executions_total\\{flow=\"doubler\",path=\"double.yml\",status=\"success\",?\\} [1-9]");
    }
}
