package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Response;

/**
 * A step's {@code retry} run by the engine: a real HTTP server that fails a number of times then answers, real flow
 * files. Every attempt is a step record; the wait between attempts ends with the run's timeout or an abort.
 */
class RetryStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;
    TestHttpServer server;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        server = TestHttpServer.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    /** {@code path} answers 503 with "down N" the first {@code failures} times, then 200 with a JSON body. */
    private void flaky(String path, int failures) {
        AtomicInteger calls = new AtomicInteger();
        server.respond(path, request -> {
            int n = calls.incrementAndGet();
            return n <= failures ? Response.status(503, "text/plain", "down " + n)
                    : Response.json("{\"ok\": true, \"call\": " + n + "}");
        });
    }

    private static List<String> attempts(RunResult r) {
        return r.steps().stream().map(s -> s.step() + ":" + s.status() + ":" + s.attempt()).toList();
    }

    @Test
    void aFlakyRestCallSucceedsAfterRetriesWithEachAttemptRecorded() {
        flaky("/tickets", 2);
        fx.flow("flaky.yml", """
                name: flaky
                steps:
                  - name: get tickets
                    type: rest
                    rest:
                      uri: "%s/tickets"
                    retry:
                      max_attempts: 4
                      delay_seconds: 0.01
                      backoff: exponential
                  - name: after
                    type: set_fact
                    set_fact:
                      value: "{{ __errors__ | length }} errors"
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("flaky.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(server.hits("/tickets")).isEqualTo(3);
        assertThat(r.data().get("get tickets")).isEqualTo(Map.of("ok", true, "call", 3));
        assertThat(attempts(r)).containsExactly("get tickets:retried:1", "get tickets:retried:2",
                "get tickets:success:3", "after:success:1");
        assertThat(r.steps().get(0).error()).contains("HTTP status 503", "down 1");
        assertThat(r.steps().get(1).error()).contains("HTTP status 503", "down 2");
        assertThat(r.steps().get(2).error()).isNull();
        // attempts that were retried are not errors of the flow: __errors__ stays empty
        assertThat((List<?>) r.data().get("__errors__")).isEmpty();
        assertThat(r.data()).containsEntry("after", "0 errors");
    }

    @Test
    void spentAttemptsFailTheStepWithTheLastError() {
        flaky("/down", Integer.MAX_VALUE);
        fx.flow("down.yml", """
                name: down
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/down"
                    retry: {max_attempts: 3, delay_seconds: 0}
                  - name: never
                    type: debug
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("down.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(server.hits("/down")).isEqualTo(3);
        assertThat(r.error()).contains("failed at step 'call'", "HTTP status 503", "down 3")
                .doesNotContain("down 1", "down 2");
        assertThat(attempts(r)).containsExactly("call:retried:1", "call:retried:2", "call:failed:3");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        assertThat(errors).as("only the last attempt's error").singleElement()
                .satisfies(e -> assertThat(e.get("error")).asString().contains("down 3"));
    }

    @Test
    void anErrorOnDoesNotMatchIsNotRetried() {
        server.respond("/missing", 404, "text/plain", "no such thing");
        flaky("/busy", 1);
        fx.flow("strict.yml", """
                name: strict
                steps:
                  - name: busy
                    type: rest
                    rest:
                      uri: "%1$s/busy"
                    retry:
                      max_attempts: 5
                      on: ["HTTP status 5\\\\d\\\\d", "Connection refused"]
                  - name: call
                    type: rest
                    rest:
                      uri: "%1$s/missing"
                    retry:
                      max_attempts: 5
                      on: ["HTTP status 5\\\\d\\\\d", "Connection refused"]
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("strict.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(server.hits("/busy")).as("a 503 matches: retried").isEqualTo(2);
        assertThat(server.hits("/missing")).as("a 404 does not: one attempt").isEqualTo(1);
        assertThat(attempts(r)).containsExactly("busy:retried:1", "busy:success:2", "call:failed:1");
        assertThat(r.error()).contains("HTTP status 404");
    }

    @Test
    void anErrorOnMatchesIsRetried() {
        flaky("/busy", 1);
        fx.flow("busy.yml", """
                name: busy
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/busy"
                    retry:
                      max_attempts: 2
                      on: "HTTP status 503"
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("busy.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(attempts(r)).containsExactly("call:retried:1", "call:success:2");
    }

    @Test
    void ignoreErrorsAndOnErrorGotoSeeOnlyTheLastAttempt() {
        flaky("/down", Integer.MAX_VALUE);
        fx.flow("handled.yml", """
                name: handled
                steps:
                  - name: ignored
                    type: rest
                    rest:
                      uri: "%1$s/down"
                    retry: {max_attempts: 2}
                    ignore_errors: "HTTP status 503"
                  - name: rerouted
                    type: rest
                    rest:
                      uri: "%1$s/down"
                    retry: {max_attempts: 2}
                    on_error_goto: fallback
                  - name: skipped
                    type: debug
                  - name: fallback
                    type: set_fact
                    set_fact:
                      value: "{{ __errors__ | length }}"
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("handled.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(server.hits("/down")).isEqualTo(4);
        assertThat(attempts(r)).containsExactly("ignored:retried:1", "ignored:ignored:2", "rerouted:retried:1",
                "rerouted:failed:2", "fallback:success:1");
        assertThat(r.data()).containsEntry("fallback", "2");
    }

    @Test
    void everyStepTypeIsRetriedASubFlowAndAFileReadAmongThem() {
        flaky("/sub", 2);
        fx.flow("lib/fetch.yml", """
                name: fetch
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/sub"
                """.formatted(server.baseUrl()));
        fx.flow("parent.yml", """
                name: parent
                steps:
                  - name: sub
                    type: flow
                    flow:
                      path: lib/fetch.yml
                    retry: {max_attempts: 3}
                  - name: read
                    type: file
                    file:
                      path: in/absent.json
                    retry: {max_attempts: 2, delay_seconds: 0.01}
                    ignore_errors: "does not exist"
                """);

        RunResult r = fx.run("parent.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(server.hits("/sub")).isEqualTo(3);
        assertThat(attempts(r)).containsExactly("sub:retried:1", "sub:retried:2", "sub:success:3",
                "read:retried:1", "read:ignored:2");
        assertThat(r.steps().get(0).error()).contains("HTTP status 503");
    }

    @Test
    void aGotoLoopBackToARetriedStepStartsItsAttemptsAgain() {
        flaky("/twice", 1);
        fx.flow("loop.yml", """
                name: loop
                steps:
                  - name: count
                    type: set_fact
                    set_fact:
                      value: "{{ (count | default(0) | int) + 1 }}"
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/twice"
                    retry: {max_attempts: 2}
                  - name: again
                    type: goto
                    when: "count | int < 2"
                    goto:
                      step_name: count
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("loop.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(attempts(r)).containsExactly("count:success:1", "call:retried:1", "call:success:2",
                "again:success:1", "count:success:1", "call:success:1", "again:skipped:1");
    }

    @Test
    void anAbortDuringTheWaitEndsTheRunWithoutAnotherAttempt() throws Exception {
        flaky("/down", Integer.MAX_VALUE);
        fx.flow("patient.yml", """
                name: patient
                timeout_seconds: 3600
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/down"
                    retry: {max_attempts: 5, delay_seconds: 3000}
                  - name: never
                    type: debug
                """.formatted(server.baseUrl()));
        FlowDefinition flow = fx.load("patient.yml");
        LaunchRequest request = new LaunchRequest(UUID.randomUUID().toString(), Instant.now(), null, Map.of());
        CompletableFuture<RunResult> run;
        try (FlowFixture.LogCapture retries = new FlowFixture.LogCapture("io.octoflow.route.StepRetry")) {
            run = CompletableFuture.supplyAsync(() -> fx.engine().run(flow, request, Duration.ofHours(1)));
            // the first attempt failed: the run waits 3000 s for the second
            await().atMost(Duration.ofSeconds(30)).until(() -> retries.text().contains("next attempt in 3000.0 s"));
        }

        request.cancellation().cancel(RunStatus.ABORTED);
        RunResult r = run.get(60, TimeUnit.SECONDS);

        assertThat(r.status()).isEqualTo(RunStatus.ABORTED);
        assertThat(r.error()).contains("was aborted");
        assertThat(server.hits("/down")).as("no attempt after the abort").isEqualTo(1);
        assertThat(attempts(r)).containsExactly("call:retried:1");
    }

    @Test
    void theRunsTimeoutEndsTheWaitWithStatusTimeout() {
        flaky("/down", Integer.MAX_VALUE);
        fx.flow("late.yml", """
                name: late
                timeout_seconds: 2
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "%s/down"
                    retry: {max_attempts: 3, delay_seconds: 3000, backoff: exponential}
                """.formatted(server.baseUrl()));

        RunResult r = fx.run("late.yml");

        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(server.hits("/down")).isEqualTo(1);
        assertThat(r.steps()).extracting(StepRecord::status).containsExactly("retried");
    }
}
