package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepRecord;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.HangingHttpServer;
import io.octoflow.support.TestHttpServer;

/** rest steps against servers that hang or answer too much: timeouts, the run's end, the pool, the body bound. */
class RestLimitsTest {

    @TempDir
    Path dir;
    FlowFixture fx;
    HangingHttpServer hanging;
    TestHttpServer server;
    ExecutorService launches;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        hanging = new HangingHttpServer();
        server = TestHttpServer.start();
        launches = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        launches.shutdownNow();
        launches.awaitTermination(30, TimeUnit.SECONDS);
        fx.close();
        hanging.close();
        server.close();
    }

    private void restFlow(String file, String uri, int timeoutSeconds) {
        fx.flow(file, """
                name: %s
                timeout_seconds: %d
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s"
                """.formatted(file, timeoutSeconds, uri));
    }

    private static String stepError(RunResult result) {
        return result.steps().stream().map(StepRecord::error).filter(e -> e != null).findFirst().orElse("");
    }

    @Test
    void aHungServerEndsTheStepWithTheReadTimeoutAndNoCredentialOfTheUrl() {
        fx.set("REST_READ_TIMEOUT_SECONDS", "1");
        restFlow("hung.yml", hanging.url("/hang?api_key=s3cr3t-key"), 60);

        RunResult r = fx.run("hung.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("no answer from " + hanging.url("/hang") + " for 1 s (REST_READ_TIMEOUT_SECONDS)")
                .doesNotContain("s3cr3t");
        await().atMost(Duration.ofSeconds(20)).until(() -> hanging.closedByClient() == 1);
    }

    @Test
    void aRunThatTimesOutAbortsItsHungCall() {
        restFlow("slow.yml", hanging.url("/hang"), 2); // the read timeout (300 s by default) is far away

        RunResult r = fx.run("slow.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.TIMEOUT);
        // the client closed the connection: no thread is left reading from it
        await().atMost(Duration.ofSeconds(20)).until(() -> hanging.closedByClient() == 1);
        assertThat(hanging.hanging()).isZero();
        assertThat(stepError(r)).contains("call to " + hanging.url("/hang") + " stopped: the run timed out");
    }

    @Test
    void thirtyHungCallsDoNotKeepOtherFlowsFromTheSameHost() throws Exception {
        restFlow("hang.yml", hanging.url("/hang"), 300);
        restFlow("ok.yml", hanging.url("/ok"), 60);
        FlowDefinition hang = fx.load("hang.yml");
        FlowDefinition ok = fx.load("ok.yml");
        List<LaunchRequest> requests = new ArrayList<>();
        List<Future<RunResult>> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            LaunchRequest request = new LaunchRequest(UUID.randomUUID().toString(), Instant.now(), null, Map.of());
            requests.add(request);
            runs.add(launches.submit(() -> fx.engine().run(hang, request, Duration.ofSeconds(300))));
        }
        // all 30 reach the server: none waits for a pooled connection (camel-http's default was 20 per host)
        await().atMost(Duration.ofSeconds(60)).until(() -> hanging.hanging() == 30);

        RunResult other = fx.engine().run(ok, null, Map.of());

        assertThat(other.status()).as(other.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(other.data().get("call")).isEqualTo(Map.of("ok", true));
        // aborting the runs ends their calls at once
        requests.forEach(request -> request.cancellation().cancel(RunStatus.ABORTED));
        for (Future<RunResult> run : runs) {
            assertThat(run.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.ABORTED);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> hanging.closedByClient() == 30);
    }

    @Test
    void aFullPoolFailsTheCallWithTheSettingsThatBoundIt() throws Exception {
        fx.set("REST_MAX_CONNECTIONS_PER_HOST", "2").set("REST_CONNECT_TIMEOUT_SECONDS", "1");
        restFlow("hang.yml", hanging.url("/hang"), 300);
        FlowDefinition hang = fx.load("hang.yml");
        List<LaunchRequest> requests = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            LaunchRequest request = new LaunchRequest(UUID.randomUUID().toString(), Instant.now(), null, Map.of());
            requests.add(request);
            launches.submit(() -> fx.engine().run(hang, request, Duration.ofSeconds(300)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> hanging.hanging() == 2);

        RunResult third = fx.engine().run(hang, null, Map.of());

        requests.forEach(request -> request.cancellation().cancel(RunStatus.ABORTED));
        assertThat(third.status()).as(third.error()).isEqualTo(RunStatus.FAILED);
        assertThat(third.error()).contains("no free connection to " + hanging.url("/hang") + " within 1 s"
                + " (REST_CONNECT_TIMEOUT_SECONDS; at most 2 connections per host, REST_MAX_CONNECTIONS_PER_HOST)");
    }

    @Test
    void aResponseLargerThanTheBoundFailsAtItsContentLength() {
        fx.set("REST_RESPONSE_MAX_BYTES", "1000000");
        String big = "[" + "1,".repeat(600_000) + "1]";
        server.respond("/big", 200, "application/json", big);
        restFlow("big.yml", server.url("/big?token=s3cr3t"), 60);

        RunResult r = fx.run("big.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("the response of " + server.url("/big") + " is " + big.length()
                + " bytes (Content-Length), more than REST_RESPONSE_MAX_BYTES (1000000)").doesNotContain("s3cr3t");
    }

    @Test
    void anEndlessResponseIsReadNoFurtherThanTheBound() {
        fx.set("REST_RESPONSE_MAX_BYTES", "1000000");
        restFlow("endless.yml", hanging.url("/endless"), 60);

        RunResult r = fx.run("endless.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("the response of " + hanging.url("/endless")
                + " is more than REST_RESPONSE_MAX_BYTES (1000000 bytes); reading stopped there");
    }

    @Test
    void aResponseWithinTheBoundIsStillParsed() {
        fx.set("REST_RESPONSE_MAX_BYTES", "1000");
        server.respond("/small", 200, "application/json", "{\"items\": [1, 2, 3]}");
        restFlow("small.yml", server.url("/small"), 60);

        RunResult r = fx.run("small.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("call")).isEqualTo(Map.of("items", List.of(1, 2, 3)));
    }
}
