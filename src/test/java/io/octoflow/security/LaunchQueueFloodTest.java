package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Issue 18 #9: thousands of launches of a {@code concurrency: queue} flow wait for a lock someone else holds. They
 * wait as rows and entries of a queue, not as threads: the API and health keep answering, the JVM's thread count
 * stays small, and once the lock is free they all run, one at a time, in the order they were launched.
 */
class LaunchQueueFloodTest {

    private static final int LAUNCHES = 2000;
    /** Threads the launches may add to the JVM (the suite's other tests may leave threads of their own). */
    private static final int MAX_EXTRA_THREADS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void twoThousandQueuedLaunchesWaitWithoutAThreadEachAndRunInOrder() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("flood.yml", """
                    name: flood
                    concurrency: queue
                    timeout_seconds: 900
                    steps:
                      - name: mark
                        type: set_fact
                        set_fact:
                          value: "{{ __input__.n }}"
                    """);
            service.start();
            // another process (octoflow launch, a second replica...) holds the flow's lock
            assertThat(service.service().locks().take("flood.yml", "another-process")).isTrue();

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int baseline = threads.getThreadCount();
            int peakThreads = baseline;
            List<String> ids = new ArrayList<>();
            for (int n = 0; n < LAUNCHES; n++) {
                Response launched = service.post("/api/flows/launch",
                        "{\"path\": \"flood.yml\", \"data\": {\"n\": " + n + "}}");
                assertThat(launched.status()).as(launched.body()).isEqualTo(202);
                ids.add(launched.json().get("execution_id").asText());
                if (n % 200 == 0) {
                    // the API, health and metrics answer while the launches wait
                    assertThat(service.get("/health/live").status()).isEqualTo(200);
                    assertThat(service.get("/api/executions?limit=1").status()).isEqualTo(200);
                    assertThat(service.get("/metrics").status()).isEqualTo(200);
                    peakThreads = Math.max(peakThreads, threads.getThreadCount());
                    assertThat(peakThreads - baseline).as("threads added with %d launches waiting", n)
                            .isLessThan(MAX_EXTRA_THREADS);
                }
            }
            peakThreads = Math.max(peakThreads, threads.getThreadCount());
            assertThat(peakThreads - baseline).as("threads added with every launch waiting").isLessThan(MAX_EXTRA_THREADS);
            assertThat(service.service().launcher().queuedCount()).isEqualTo(LAUNCHES);
            assertThat(service.get("/api/executions?status=queued&limit=1000").json().size()).isEqualTo(1000);
            assertThat(service.get("/api/executions/" + ids.get(LAUNCHES - 1)).json().get("status").asText())
                    .isEqualTo("queued");

            assertThat(service.service().locks().release("flood.yml", "another-process")).isTrue();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                    service.service().store().count(ExecutionQuery.ofPath("flood.yml", "success", 1)) == LAUNCHES);

            List<Execution> runs = new ArrayList<>(service.service().store().list(
                    new ExecutionQuery(null, null, null, null, ExecutionQuery.MAX_LIMIT, 0, "flood.yml")));
            assertThat(runs).hasSize(LAUNCHES);
            runs.sort(Comparator.comparing(Execution::startedAt));
            for (int n = 0; n < LAUNCHES; n++) {
                Execution run = runs.get(n);
                assertThat(run.id()).isEqualTo(ids.get(n));
                assertThat(JSON.readTree(run.input()).get("n").asInt()).isEqualTo(n);
                if (n > 0) {
                    assertThat(run.startedAt()).as("one at a time").isAfterOrEqualTo(runs.get(n - 1).endedAt());
                }
            }
            System.out.printf("queue flood: %d launches queued behind a held lock, peak %d JVM threads, all %d run"
                    + " in order (%d threads before)%n", LAUNCHES, peakThreads, runs.size(), baseline);
        }
    }
}
