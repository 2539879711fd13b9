package io.octoflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.FlowFixture;

/**
 * Issue 17: a flow's route runs on the thread that calls {@link FlowEngine#run}; its timeout is kept by
 * {@link RunDeadlines}, an interrupt of the caller aborts it.
 */
class CallerThreadRunTest {

    /** A correctness bound (the sleeps are 30 s), not a performance target. */
    private static final long WELL_UNDER_THE_SLEEP_SECONDS = 15;

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        fx.flow("nap.yml", """
                name: nap
                steps:
                  - name: where
                    type: set_fact
                    set_fact:
                      value: started
                  - name: long nap
                    type: sleep
                    sleep:
                      seconds: 30
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void theRouteRunsOnTheCallersThread() {
        fx.flow("here.yml", """
                name: here
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: one
                """);
        FlowDefinition flow = fx.load("here.yml");
        // the flow's route is built on its first run: this strategy wraps its processors too
        Set<String> threads = ConcurrentHashMap.newKeySet();
        fx.engine().camelContext().getCamelContextExtension().addInterceptStrategy(
                (context, definition, target, next) -> exchange -> {
                    threads.add(Thread.currentThread().getName());
                    target.process(exchange);
                });

        RunResult r = fx.engine().run(flow, new LaunchRequest("id-1", Instant.now(), null, Map.of()),
                Duration.ofSeconds(30));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("a", "one");
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void aShortTimeoutEndsItsRunWhileALongerOneIsStillRunning() throws Exception {
        FlowDefinition flow = fx.load("nap.yml");
        // the timeout thread first sleeps until the long run's deadline: the short run must wake it
        LaunchRequest longRun = new LaunchRequest("long", Instant.now(), null, Map.of());
        CompletableFuture<RunResult> first = CompletableFuture.supplyAsync(
                () -> fx.engine().run(flow, longRun, Duration.ofMinutes(10)));
        awaitSleeping(longRun);

        long start = System.nanoTime();
        RunResult shortRun = fx.engine().run(flow, new LaunchRequest("short", Instant.now(), null, Map.of()),
                Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(
                Duration.ofSeconds(WELL_UNDER_THE_SLEEP_SECONDS));
        assertThat(shortRun.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(shortRun.error()).contains("flow 'nap' timed out");
        assertThat(shortRun.data()).containsEntry("where", "started").doesNotContainKey("after");

        longRun.cancellation().cancel(RunStatus.ABORTED); // the abort of the API
        RunResult aborted = first.get(WELL_UNDER_THE_SLEEP_SECONDS, TimeUnit.SECONDS);
        assertThat(aborted.status()).isEqualTo(RunStatus.ABORTED);
        assertThat(aborted.data()).doesNotContainKey("after");
    }

    @Test
    void anInterruptOfTheCallerAbortsTheRun() throws Exception {
        FlowDefinition flow = fx.load("nap.yml");
        LaunchRequest request = new LaunchRequest("interrupted", Instant.now(), null, Map.of());
        AtomicReference<RunResult> result = new AtomicReference<>();
        Thread caller = new Thread(() -> result.set(fx.engine().run(flow, request, Duration.ofMinutes(10))),
                "test-caller");
        caller.start();
        awaitSleeping(request);
        caller.interrupt(); // as the service's stop interrupts its launch threads
        caller.join(TimeUnit.SECONDS.toMillis(WELL_UNDER_THE_SLEEP_SECONDS));

        assertThat(caller.isAlive()).isFalse();
        assertThat(result.get().status()).isEqualTo(RunStatus.ABORTED);
        assertThat(result.get().error()).contains("flow 'nap' was aborted");
        assertThat(result.get().data()).containsEntry("where", "started").doesNotContainKey("after");
    }

    /** Until the run is in its sleep step (the console's view of it). */
    private static void awaitSleeping(LaunchRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var run = request.run();
            if (run != null && run.progress().current() != null
                    && run.progress().current().step().equals("long nap")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the run never reached its sleep step");
    }
}
