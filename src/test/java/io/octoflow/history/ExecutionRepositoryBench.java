package io.octoflow.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.octoflow.execution.StepRecord;

/**
 * How many runs a second the execution history records on its default database (embedded H2 in a file): each
 * run is one {@code started} and one {@code finished} with 5 steps, a small input and a small final data, as the
 * service records a launch. Not a test; run it by hand:
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.octoflow.history.ExecutionRepositoryBench [runs] [threads...]
 * </pre>
 * Defaults: 20,000 runs measured per thread count, for 1, 4 and 8 threads, after 10,000 warm-up runs. Another
 * database with {@code -Dbench.url=jdbc:postgresql://... -Dbench.user=... -Dbench.password=...} (it must be empty:
 * the bench deletes every ended run at the end).
 */
public final class ExecutionRepositoryBench {

    private static final String INPUT = "{\"customer\":\"ACME\",\"since\":\"2025-01-01\",\"limit\":100}";
    private static final String DATA = "{\"customer\":\"ACME\",\"orders\":[{\"id\":1,\"total\":12.5},"
            + "{\"id\":2,\"total\":7.25}],\"count\":2,\"report\":\"/data/reports/acme.csv\"}";
    private static final AtomicLong IDS = new AtomicLong();

    private ExecutionRepositoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Integer> threadCounts = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            threadCounts.add(Integer.parseInt(args[i]));
        }
        if (threadCounts.isEmpty()) {
            threadCounts = List.of(1, 4, 8);
        }
        Path dir = Files.createTempDirectory("octoflow-history-bench");
        String url = System.getProperty("bench.url", io.octoflow.database.DatabaseUrls.h2(dir));
        try (io.octoflow.database.Database db = io.octoflow.database.Database.open(url,
                System.getProperty("bench.user", ""), System.getProperty("bench.password", ""))) {
            ExecutionRepository store = new JdbcExecutionRepository(db);
            System.out.printf("%s, %d CPUs, Java %s%n", io.octoflow.database.DatabaseUrls.redact(url),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            measure(store, 10_000, 4); // warm-up: JIT, H2 caches
            for (int threads : threadCounts) {
                double perSecond = measure(store, runs, threads);
                System.out.printf("%d thread(s): %,d runs (started + finished, 5 steps) in %s -> %,.0f runs/s%n",
                        threads, runs, seconds(runs / perSecond), perSecond);
            }
            long t = System.nanoTime();
            long rows = store.count(ExecutionQuery.latest(1));
            List<Execution> page = store.list(new ExecutionQuery("bench-3", "success", null, null, 100, 0));
            System.out.printf("then: %,d rows; a page of 100 of one flow listed in %.1f ms%n", rows,
                    (System.nanoTime() - t) / 1e6);
            t = System.nanoTime();
            store.find(page.get(0).id()).orElseThrow();
            System.out.printf("one run with its steps found in %.2f ms%n", (System.nanoTime() - t) / 1e6);
            t = System.nanoTime();
            int deleted = store.delete(null, null);
            System.out.printf("%,d runs deleted in %.1f s%n", deleted, (System.nanoTime() - t) / 1e9);
        } finally {
            deleteTree(dir);
        }
    }

    /** Runs per second for {@code runs} runs spread over {@code threads} threads. */
    private static double measure(ExecutionRepository store, int runs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int perThread = runs / threads;
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        oneRun(store);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return perThread * threads / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    private static void oneRun(ExecutionRepository store) {
        long n = IDS.incrementAndGet();
        String id = "bench-" + n;
        String flow = "bench-" + (n % 10);
        Instant started = Instant.now();
        store.started(Execution.running(id, flow, "routes/" + flow + ".yml", "api", null, started, INPUT));
        List<StepRecord> steps = new ArrayList<>(5);
        for (int s = 0; s < 5; s++) {
            steps.add(new StepRecord("step " + s, "success", started.plusNanos(s * 1_000L), 1 + s, null));
        }
        store.finished(id, "success", Instant.now(), null, DATA, steps);
    }

    private static String seconds(double s) {
        return String.format("%.2f s", s);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
