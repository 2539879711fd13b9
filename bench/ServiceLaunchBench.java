import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.octoflow.app.OctoflowService;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.history.ExecutionQuery;

/**
 * Service benchmark (issue 3 (a), issue 17): {@code POST /api/flows/launch?wait=true} of the core benchmark's
 * five-step file flow, over HTTP/1.1 keep-alive with the bearer token, every run recorded in the embedded H2 history.
 * First one client (latency), then several clients at once, each launching its own copy of the flow (a flow runs once
 * at a time: a second launch of the same flow would get 409), for throughput. Once with the installation (DATA_PATH,
 * LOCK_PATH, the flow's files) under each directory of {@code -Dbench.dirs} (default {@code /tmp,/dev/shm}: ext4 and
 * tmpfs here), in one JVM, each with its own warm-up.
 * <p>
 * CPU: the client runs in this JVM on threads of its own ({@code bench-client-*}, the JDK client's
 * {@code HttpClient-*} and {@code bench-http-*}); their CPU time is measured per thread and taken out of the
 * process's CPU time, the rest is the server's (HTTP server, engine, history, locks, GC and JIT included), divided by
 * the runs answered in the phase. At the end the history is counted: every answered launch must be a recorded
 * successful run.
 * Usage: bench/run.sh service-launch [warm-up seconds, default 10] [measured runs, default 2000]
 *        [clients, default 8] [throughput seconds, default 20]
 */
public final class ServiceLaunchBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, ServiceLaunchBench::run);
    }

    private static void run(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        System.out.printf("java %s, %d cores; file flow launched with POST /api/flows/launch?wait=true, HTTP/1.1"
                        + " keep-alive; CAMEL_CLI_CONNECTOR=%s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("CAMEL_CLI_CONNECTOR", "true"));
        List<String> table = new ArrayList<>();
        for (String dir : System.getProperty("bench.dirs", "/tmp,/dev/shm").split(",")) {
            table.addAll(measure(Path.of(dir.trim()), warmupSeconds, runs, clients, seconds));
        }
        System.out.println();
        System.out.println("| DATA_PATH | clients | median | p99 | runs/s | server CPU per run | client CPU per run |");
        System.out.println("|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
    }

    private static List<String> measure(Path dir, int warmupSeconds, int runs, int clients, int seconds)
            throws Exception {
        List<String> rows = new ArrayList<>();
        String where = dir + " (" + Files.getFileStore(dir).type() + ")";
        try (BenchFiles files = new BenchFiles(dir)) {
            String flow = Files.readString(files.fileFlow());
            for (int i = 1; i <= clients; i++) {
                files.write(files.flows, "copy-" + i + ".yml", flow.replace("name: file flow", "name: copy " + i)
                        .replace("out/report.json", "out/report-" + i + ".json"));
            }
            Map<String, String> settings = files.serviceSettings();
            OctoflowService service = new OctoflowService(OctoflowConfig.from(settings));
            service.start();
            ExecutorService httpThreads = Executors.newCachedThreadPool(named("bench-http-"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads)
                    .build();
            ExecutorService pool = Executors.newFixedThreadPool(clients, named("bench-client-"));
            String url = "http://localhost:" + settings.get("API_PORT") + "/api/flows/launch?wait=true";
            AtomicLong answered = new AtomicLong();
            try {
                System.out.printf("%n%s: warm-up %d s%n", where, warmupSeconds);
                // warm-up: one client, then every client at once
                pool.submit(() -> {
                    long end = System.nanoTime() + warmupSeconds * 500_000_000L;
                    while (System.nanoTime() < end) {
                        launch(http, url, "file_flow.yml");
                        answered.incrementAndGet();
                    }
                }).get();
                answered.addAndGet(concurrently(pool, http, url, clients, warmupSeconds / 2).length);

                Cpu before = Cpu.now();
                long[] nanos = pool.submit(() -> {
                    long[] mine = new long[runs];
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        launch(http, url, "file_flow.yml");
                        mine[i] = System.nanoTime() - t0;
                    }
                    return mine;
                }).get();
                Cpu oneCpu = Cpu.now().minus(before);
                answered.addAndGet(runs);
                double oneClient = runs / (oneCpu.wallNanos / 1e9);
                Stats stats = Stats.ofNanos(nanos);
                System.out.printf(Locale.ROOT, "one client: %s; %.0f runs/s; CPU per run: server %.3f ms, client"
                        + " %.3f ms%n", stats.describe("ms"), oneClient, oneCpu.serverMillisPer(runs),
                        oneCpu.clientMillisPer(runs));
                System.out.println(oneCpu.top(runs));
                rows.add(row(where, 1, stats, oneClient, oneCpu, runs));

                before = Cpu.now();
                long[] all = concurrently(pool, http, url, clients, seconds);
                Cpu manyCpu = Cpu.now().minus(before);
                answered.addAndGet(all.length);
                Stats concurrent = Stats.ofNanos(all);
                double throughput = all.length / (manyCpu.wallNanos / 1e9);
                System.out.printf(Locale.ROOT, "%d clients, %d s: %.0f runs/s; latency %s; CPU per run: server"
                        + " %.3f ms, client %.3f ms%n", clients, seconds, throughput, concurrent.describe("ms"),
                        manyCpu.serverMillisPer(all.length), manyCpu.clientMillisPer(all.length));
                System.out.println(manyCpu.top(all.length));
                rows.add(row(where, clients, concurrent, throughput, manyCpu, all.length));

                long recorded = service.store().count(new ExecutionQuery(null, "success", null, null, 1, 0));
                long rowsInAll = service.store().count(new ExecutionQuery(null, null, null, null, 1, 0));
                System.out.printf("history: %d successful runs recorded of %d answered launches (%d rows in all)%n",
                        recorded, answered.get(), rowsInAll);
                if (recorded != answered.get()) {
                    throw new IllegalStateException("answered launches missing from the history");
                }
            } finally {
                pool.shutdownNow();
                service.close();
                httpThreads.shutdownNow();
            }
        }
        return rows;
    }

    private static String row(String where, int clients, Stats stats, double runsPerSecond, Cpu cpu, int runs) {
        return String.format(Locale.ROOT, "| %s | %d | %.3f ms | %.3f ms | %.0f | %.3f ms | %.3f ms |", where, clients,
                stats.median(), stats.percentile(99), runsPerSecond, cpu.serverMillisPer(runs),
                cpu.clientMillisPer(runs));
    }

    /** Every client launches its own copy of the flow for {@code seconds}; the latencies of all. */
    private static long[] concurrently(ExecutorService pool, HttpClient http, String url, int clients, int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<CompletableFuture<long[]>> workers = new ArrayList<>();
        for (int c = 1; c <= clients; c++) {
            String path = "copy-" + c + ".yml";
            workers.add(CompletableFuture.supplyAsync(() -> {
                List<Long> mine = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    launch(http, url, path);
                    mine.add(System.nanoTime() - s);
                }
                return mine.stream().mapToLong(Long::longValue).toArray();
            }, pool));
        }
        return workers.stream().flatMapToLong(w -> java.util.Arrays.stream(w.join())).toArray();
    }

    /** CPU time of the process and of the client's threads, and wall time, at one moment or between two. */
    private record Cpu(long processNanos, long clientNanos, long wallNanos, Map<String, Long> byThread) {

        static Cpu now() {
            long client = 0;
            Map<String, Long> byThread = new java.util.HashMap<>();
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
                if (info.getThreadName().startsWith("bench-") || info.getThreadName().startsWith("HttpClient-")) {
                    client += cpu;
                }
                // threads of a kind together: "octoflow-launch #12" and "#13" are one line
                byThread.merge(info.getThreadName().replaceAll("\\d+", "N"), cpu, Long::sum);
            }
            return new Cpu(OS.getProcessCpuTime(), client, System.nanoTime(), byThread);
        }

        Cpu minus(Cpu earlier) {
            Map<String, Long> delta = new java.util.HashMap<>(byThread);
            earlier.byThread.forEach((k, v) -> delta.merge(k, -v, Long::sum));
            return new Cpu(processNanos - earlier.processNanos, clientNanos - earlier.clientNanos,
                    wallNanos - earlier.wallNanos, delta);
        }

        /** The threads that took the most CPU, in ms per run: where the server's time goes, GC and JIT aside. */
        String top(int runs) {
            StringBuilder b = new StringBuilder("    CPU by thread, ms per run:");
            byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.3f;", e.getKey(), e.getValue() / 1e6
                            / runs)));
            return b.toString();
        }

        double serverMillisPer(int runs) {
            return (processNanos - clientNanos) / 1e6 / runs;
        }

        double clientMillisPer(int runs) {
            return clientNanos / 1e6 / runs;
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void launch(HttpClient http, String url, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + BenchFiles.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + path + "\"}")).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || !response.body().contains("\"status\" : \"success\"")) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
