package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** Launching flows over the real HTTP API of a started service: admission, waiting, locks, abort, history. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchApiTest {

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().dataFile("numbers.json", "{\"values\": [3, 4, 5]}");
        service.files().flow("sum.yml", """
                name: sum
                steps:
                  - name: read
                    type: file
                    file:
                      path: numbers.json
                  - name: total
                    type: jq
                    jq:
                      expression: '.values | add'
                      data_key: read
                  - name: greeting
                    type: set_fact
                    set_fact:
                      value: "hello {{ __input__.who | default('nobody') }}"
                """);
        service.files().flow("slow.yml", """
                name: slow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 30
                """);
        service.files().flow("quick nap.yml", """
                name: quick nap
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 1
                """);
        service.files().flow("parallel.yml", """
                name: parallel
                concurrency: allow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 1
                """);
        service.files().flow("queued.yml", """
                name: queued
                concurrency: queue
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 1
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: "{{ __job_id__ }}"
                """);
        service.files().flow("broken step.yml", """
                name: broken step
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: nowhere.json
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void launchAnswers202ThenTheRunIsRecordedWithItsSteps() {
        Response launched = service.post("/api/flows/launch", "{\"path\": \"sum.yml\", \"data\": {\"who\": \"ada\"}}");
        assertThat(launched.status()).as(launched.body()).isEqualTo(202);
        String id = launched.json().get("execution_id").asText();
        assertThat(launched.json().get("flow").asText()).isEqualTo("sum");

        JsonNode execution = awaitEnded(id);
        assertThat(execution.get("status").asText()).isEqualTo("success");
        assertThat(execution.get("trigger").asText()).isEqualTo("api");
        assertThat(execution.get("path").asText()).isEqualTo("sum.yml");
        assertThat(execution.at("/input/who").asText()).isEqualTo("ada");
        assertThat(execution.at("/data/total").asInt()).isEqualTo(12);
        assertThat(execution.at("/data/greeting").asText()).isEqualTo("hello ada");
        List<String> steps = new ArrayList<>();
        execution.get("steps").forEach(step -> {
            steps.add(step.get("step").asText());
            assertThat(step.get("status").asText()).isEqualTo("success");
            assertThat(step.get("start").asText()).isNotBlank();
            assertThat(step.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(0);
        });
        assertThat(steps).containsExactly("read", "total", "greeting");
    }

    @Test
    void waitTrueAnswersWithTheStatusAndData() {
        Response answer = service.post("/api/flows/launch?wait=true", "{\"path\": \"sum.yml\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("success");
        assertThat(answer.json().at("/data/total").asInt()).isEqualTo(12);
        assertThat(answer.json().at("/data/greeting").asText()).isEqualTo("hello nobody");
        String id = answer.json().get("execution_id").asText();
        assertThat(service.get("/api/executions/" + id).json().get("status").asText()).isEqualTo("success");
    }

    @Test
    void aRunAnsweredByWaitHasReleasedItsLockSoTheNextLaunchIsAdmitted() {
        // a race, so it shows only sometimes: the answer once went out before the lock file was deleted
        for (int i = 0; i < 100; i++) {
            Response answer = service.post("/api/flows/launch?wait=true", "{\"path\": \"sum.yml\"}");
            assertThat(answer.status()).as("launch %d: %s", i, answer.body()).isEqualTo(200);
        }
    }

    @Test
    void aFailingStepIsRecordedWithTheStepAndCause() {
        Response answer = service.post("/api/flows/launch?wait=true", "{\"path\": \"broken step.yml\"}");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("failed");
        assertThat(answer.json().get("error").asText()).contains("broken step", "read missing", "nowhere.json");
        JsonNode execution = service.get("/api/executions/" + answer.json().get("execution_id").asText()).json();
        assertThat(execution.get("status").asText()).isEqualTo("failed");
        assertThat(execution.at("/steps/0/status").asText()).isEqualTo("failed");
        assertThat(execution.at("/steps/0/error").asText()).contains("nowhere.json");
    }

    @Test
    void aLockedFlowAnswers409AndItsLockIsListedAndCanBeRemoved() throws Exception {
        Response first = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}");
        assertThat(first.status()).isEqualTo(202);
        String id = first.json().get("execution_id").asText();

        Response second = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().get("error").asText()).contains("slow", "locked");

        JsonNode locks = service.get("/api/locks").json();
        assertThat(locks).anySatisfy(lock -> {
            assertThat(lock.get("flow").asText()).isEqualTo("slow");
            assertThat(lock.get("execution_id").asText()).isEqualTo(id);
            assertThat(lock.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        });
        assertThat(Files.list(root.resolve("locks")).map(p -> p.getFileName().toString()))
                .anyMatch(name -> name.contains("slow"));

        // the lock is the file: removing it by hand admits another run, the first keeps going
        assertThat(service.delete("/api/locks/slow").status()).isEqualTo(204);
        assertThat(service.delete("/api/locks/slow").status()).isEqualTo(404);
        Response third = service.post("/api/flows/launch", "{\"path\": \"slow.yml\"}");
        assertThat(third.status()).as(third.body()).isEqualTo(202);

        // abort both; each ends aborted, and no lock is left
        for (String run : List.of(id, third.json().get("execution_id").asText())) {
            Response abort = service.post("/api/executions/" + run + "/abort", "");
            assertThat(abort.status()).as(abort.body()).isEqualTo(202);
            assertThat(awaitEnded(run).get("status").asText()).isEqualTo("aborted");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(service.get("/api/locks").json()).noneMatch(l -> l.get("flow").asText().equals("slow")));
        Response again = service.post("/api/executions/" + id + "/abort", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).contains("not running", "aborted");
    }

    @Test
    void deleteAllLocksReleasesEveryFlow() {
        assertThat(service.post("/api/flows/launch", "{\"path\": \"quick nap.yml\"}").status()).isEqualTo(202);
        assertThat(service.post("/api/flows/launch", "{\"path\": \"quick nap.yml\"}").status()).isEqualTo(409);
        JsonNode removed = service.delete("/api/locks").json();
        assertThat(removed.get("removed").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(service.post("/api/flows/launch", "{\"path\": \"quick nap.yml\"}").status()).isEqualTo(202);
    }

    @Test
    void concurrencyAllowRunsTogetherAndQueueWaitsItsTurn() {
        CompletableFuture<Response> a = CompletableFuture.supplyAsync(
                () -> service.post("/api/flows/launch?wait=true", "{\"path\": \"parallel.yml\"}"));
        CompletableFuture<Response> b = CompletableFuture.supplyAsync(
                () -> service.post("/api/flows/launch?wait=true", "{\"path\": \"parallel.yml\"}"));
        assertThat(a.join().json().get("status").asText()).isEqualTo("success");
        assertThat(b.join().json().get("status").asText()).isEqualTo("success");

        Response first = service.post("/api/flows/launch", "{\"path\": \"queued.yml\"}");
        Response second = service.post("/api/flows/launch", "{\"path\": \"queued.yml\"}");
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).as("queue waits instead of refusing").isEqualTo(202);
        JsonNode one = awaitEnded(first.json().get("execution_id").asText());
        JsonNode two = awaitEnded(second.json().get("execution_id").asText());
        assertThat(one.get("status").asText()).isEqualTo("success");
        assertThat(two.get("status").asText()).isEqualTo("success");
        // one after the other: the runs do not overlap
        JsonNode earlier = one.get("started_at").asText().compareTo(two.get("started_at").asText()) < 0 ? one : two;
        JsonNode later = earlier == one ? two : one;
        assertThat(later.get("started_at").asText()).isGreaterThanOrEqualTo(earlier.get("ended_at").asText());
    }

    @Test
    void executionsCanBeFilteredPagedAndDeleted() {
        for (int i = 0; i < 3; i++) {
            assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"sum.yml\"}").status()).isEqualTo(200);
        }
        service.post("/api/flows/launch?wait=true", "{\"path\": \"broken step.yml\"}");

        JsonNode sums = service.get("/api/executions?flow=sum&status=success&limit=1000").json();
        assertThat(sums.size()).isGreaterThanOrEqualTo(3);
        assertThat(sums).allSatisfy(e -> {
            assertThat(e.get("flow").asText()).isEqualTo("sum");
            assertThat(e.get("status").asText()).isEqualTo("success");
        });
        JsonNode page = service.get("/api/executions?flow=sum&limit=2&offset=1").json();
        assertThat(page.size()).isEqualTo(2);
        assertThat(page.get(0).get("id").asText()).isEqualTo(
                service.get("/api/executions?flow=sum&limit=3").json().get(1).get("id").asText());
        assertThat(service.get("/api/executions?flow=sum&from=2999-01-01T00:00:00Z").json().size()).isZero();
        assertThat(service.get("/api/executions?flow=sum&to=2000-01-01T00:00:00Z").json().size()).isZero();
        assertThat(service.get("/api/executions?flow=sum&from=2000-01-01T00:00:00Z").json().size())
                .isGreaterThanOrEqualTo(3);

        JsonNode deleted = service.delete("/api/executions?status=failed").json();
        assertThat(deleted.get("deleted").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(service.get("/api/executions?status=failed").json().size()).isZero();
        assertThat(service.get("/api/executions?flow=sum&status=success").json().size()).isGreaterThanOrEqualTo(3);
        assertThat(service.delete("/api/executions?older_than_days=1").json().get("deleted").asInt()).isZero();
    }

    private JsonNode awaitEnded(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Response r = service.get("/api/executions/" + id);
            last[0] = r.status() == 200 ? r.json() : null;
            return last[0] != null && !last[0].get("status").asText().equals("running");
        });
        return last[0];
    }
}
