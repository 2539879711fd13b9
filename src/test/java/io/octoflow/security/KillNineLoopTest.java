package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.OctoflowProcess;
import io.octoflow.support.ServiceFixture;

/**
 * Issue 18 #10, the kill -9 part of the hostile-input suite: a real {@code octoflow run} JVM takes launches of a
 * locked flow, an unlocked one and a {@code concurrency: queue} one from three clients, and is killed (SIGKILL) at a
 * random moment, then started again on the same DATA_PATH and database, several times. Every execution whose
 * {@code 202} a client received has its row afterwards, and the launches left queued run after a restart.
 * Issue 17: a fourth client launches with {@code ?wait=true} (such a run is recorded once, at its end): every run
 * whose end a client was told is found afterwards with that status and its steps.
 */
class KillNineLoopTest {

    private static final int CYCLES = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REQUEUED = Pattern.compile("(\\d+) launch\\(es\\) queued by a previous process");

    @TempDir
    Path root;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every execution id a client got a 202 for, with the flow it launched. */
    private final Map<String, String> admitted = new ConcurrentHashMap<>();
    private final AtomicLong slowestHealthMillis = new AtomicLong();
    /** Every execution id a waiting client got a 200 for, with the status it was told. */
    private final Map<String, String> told = new ConcurrentHashMap<>();

    @Test
    void everyAdmittedLaunchHasItsRowAfterKillNineAndQueuedOnesRunAfterTheRestart() throws Exception {
        ServiceFixture fixture = new ServiceFixture(root);
        fixture.files().flow("locked.yml", """
                name: locked
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 0.05
                """);
        fixture.files().flow("parallel.yml", """
                name: parallel
                concurrency: allow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 0.1
                """);
        fixture.files().flow("queued.yml", """
                name: queued
                concurrency: queue
                timeout_seconds: 600
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 0.1
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.n }}"
                """);
        fixture.files().flow("waited.yml", """
                name: waited
                steps:
                  - name: mark
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.n }}"
                  - name: again
                    type: set_fact
                    set_fact:
                      value: "{{ mark }}"
                """);
        Random random = new Random(18);
        int requeued = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            OctoflowProcess child = startChild(fixture);
            try {
                long started = System.nanoTime();
                awaitLive(fixture);
                System.out.printf("kill -9 loop: cycle %d up in %d ms%n", cycle, (System.nanoTime() - started) / 1_000_000);
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> clients = List.of(client(fixture, "locked.yml", 5, stop),
                        client(fixture, "parallel.yml", 15, stop), client(fixture, "queued.yml", 40, stop),
                        waitingClient(fixture, stop));
                clients.forEach(Thread::start);
                Thread.sleep(1500 + random.nextInt(2500));
                child.kill(); // SIGKILL while the clients are launching: no shutdown hook runs
                stop.set(true);
                for (Thread c : clients) {
                    c.join(30_000);
                }
            } finally {
                child.kill();
            }
            requeued += requeuedIn(child);
        }

        OctoflowProcess last = startChild(fixture);
        try {
            awaitLive(fixture);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() ->
                    rows(fixture, "queued").isEmpty() && rows(fixture, "running").isEmpty());
            requeued += requeuedIn(last);

            Map<String, Integer> statuses = new HashMap<>();
            List<String> lost = new ArrayList<>();
            for (Map.Entry<String, String> launch : admitted.entrySet()) {
                HttpResponse<String> row = send(fixture, HttpRequest.newBuilder(
                        URI.create(fixture.url("/api/executions/" + launch.getKey()))).GET());
                if (row.statusCode() != 200) {
                    lost.add(launch.getValue() + " " + launch.getKey() + " -> " + row.statusCode());
                    continue;
                }
                JsonNode execution = JSON.readTree(row.body());
                assertThat(execution.get("path").asText()).isEqualTo(launch.getValue());
                statuses.merge(launch.getValue() + ":" + execution.get("status").asText(), 1, Integer::sum);
            }
            System.out.printf("kill -9 loop: %d cycles, %d admitted runs, %d rows found, %d lost, %d queued launches"
                    + " run again after a restart, slowest /health/live answer %d ms, statuses %s%n", CYCLES,
                    admitted.size(), admitted.size() - lost.size(), lost.size(), requeued, slowestHealthMillis.get(),
                    statuses);
            List<String> forgotten = new ArrayList<>();
            for (Map.Entry<String, String> end : told.entrySet()) {
                HttpResponse<String> row = send(fixture, HttpRequest.newBuilder(
                        URI.create(fixture.url("/api/executions/" + end.getKey()))).GET());
                JsonNode execution = row.statusCode() == 200 ? JSON.readTree(row.body()) : null;
                if (execution == null || !execution.get("status").asText().equals(end.getValue())
                        || execution.get("steps").size() != 2) {
                    forgotten.add(end.getKey() + " told " + end.getValue() + " -> " + row.statusCode() + " "
                            + row.body());
                }
            }
            System.out.printf("kill -9 loop: %d runs whose end a waiting client was told, %d not found as told%n",
                    told.size(), forgotten.size());
            assertThat(lost).as("admitted launches without a row after kill -9").isEmpty();
            assertThat(forgotten).as("ends told to a waiting client, then lost by kill -9").isEmpty();
            assertThat(told.size()).as("the waiting client was told ends").isGreaterThan(CYCLES * 5);
            assertThat(admitted.size()).as("the clients were admitted runs").isGreaterThan(CYCLES * 5);
            assertThat(statuses.keySet()).allSatisfy(s -> assertThat(s).doesNotEndWith(":queued")
                    .doesNotEndWith(":running"));
            assertThat(requeued).as("launches left queued by a killed process, queued again at the next start")
                    .isPositive();
            assertThat(statuses.getOrDefault("queued.yml:success", 0)).isPositive();
        } finally {
            last.terminate(); // SIGTERM: a clean stop
            if (!last.awaitEnd(Duration.ofSeconds(60))) {
                last.kill();
            }
        }
    }

    /** Launches {@code flow} every {@code pauseMillis} until stopped, keeping the id of every 202. */
    private Thread client(ServiceFixture fixture, String flow, int pauseMillis, AtomicBoolean stop) {
        Thread thread = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                try {
                    HttpResponse<String> answer = send(fixture, HttpRequest.newBuilder(
                            URI.create(fixture.url("/api/flows/launch"))).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + flow + "\", \"data\": {\"n\": "
                                    + n++ + "}}")));
                    if (answer.statusCode() == 202) {
                        admitted.put(JSON.readTree(answer.body()).get("execution_id").asText(), flow);
                    }
                } catch (Exception killed) {
                    // the service died under the request: not admitted as far as this client knows
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "client-" + flow);
        thread.setDaemon(true);
        return thread;
    }

    /** Launches waited.yml with ?wait=true until stopped, keeping the id and status of every 200. */
    private Thread waitingClient(ServiceFixture fixture, AtomicBoolean stop) {
        Thread thread = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                try {
                    HttpResponse<String> answer = send(fixture, HttpRequest.newBuilder(
                            URI.create(fixture.url("/api/flows/launch?wait=true")))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"waited.yml\", \"data\":"
                                    + " {\"n\": " + n++ + "}}")));
                    if (answer.statusCode() == 200) {
                        JsonNode ended = JSON.readTree(answer.body());
                        told.put(ended.get("execution_id").asText(), ended.get("status").asText());
                    }
                } catch (Exception killed) {
                    // the service died under the request: nothing was told
                }
            }
        }, "client-waited");
        thread.setDaemon(true);
        return thread;
    }

    private void awaitLive(ServiceFixture fixture) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                long start = System.nanoTime();
                boolean ready = send(fixture, HttpRequest.newBuilder(URI.create(fixture.url("/health/ready"))).GET())
                        .statusCode() == 200;
                if (ready) {
                    long live = System.nanoTime();
                    assertThat(send(fixture, HttpRequest.newBuilder(URI.create(fixture.url("/health/live"))).GET())
                            .statusCode()).isEqualTo(200);
                    slowestHealthMillis.accumulateAndGet((System.nanoTime() - live) / 1_000_000, Math::max);
                }
                return ready && start > 0;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
    }

    private List<JsonNode> rows(ServiceFixture fixture, String status) throws Exception {
        HttpResponse<String> answer = send(fixture, HttpRequest.newBuilder(
                URI.create(fixture.url("/api/executions?limit=1000&status=" + status))).GET());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(answer.body()).forEach(out::add);
        return out;
    }

    private HttpResponse<String> send(ServiceFixture fixture, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer "
                + ServiceFixture.TOKEN).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static int requeuedIn(OctoflowProcess child) {
        Matcher m = REQUEUED.matcher(child.output());
        int n = 0;
        while (m.find()) {
            n += Integer.parseInt(m.group(1));
        }
        return n;
    }

    /** `octoflow run` in its own JVM, configured through the environment the way a user would. */
    private OctoflowProcess startChild(ServiceFixture fixture) {
        var config = fixture.files().config();
        return OctoflowProcess.start(root, root.resolve("logs"), Map.of("DATA_PATH", config.dataPath().toString(),
                "FLOWS_PATH", config.flowsPath().toString(), "TEMPLATES_PATH", config.templatesPath().toString(),
                "LOCK_PATH", config.lockPath().toString(), "DB_URL", config.dbUrl(), "API_PORT",
                Integer.toString(fixture.port()), "API_TOKEN", ServiceFixture.TOKEN), "run");
    }
}
