import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.app.OctoflowService;

/**
 * Service benchmark (a) of issue 3: {@code POST /api/flows/launch?wait=true} of the core benchmark's five-step
 * file flow, over HTTP with the bearer token, every run recorded in the embedded H2 history. First one client
 * (latency), then several clients at once, each launching its own copy of the flow (a flow runs once at a time:
 * a second launch of the same flow would get 409), for throughput. At the end the history is counted: every
 * answered launch must be a recorded successful run.
 * Usage: bench/run.sh service-launch [warm-up seconds, default 10] [measured runs, default 2000]
 *        [clients, default 8] [throughput seconds, default 20]
 */
public final class ServiceLaunchBench {

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, ServiceLaunchBench::run);
    }

    private static void run(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        try (BenchFiles files = new BenchFiles()) {
            String flow = Files.readString(files.fileFlow());
            for (int i = 1; i <= clients; i++) {
                files.write(files.flows, "copy-" + i + ".yml", flow.replace("name: file flow", "name: copy " + i)
                        .replace("out/report.json", "out/report-" + i + ".json"));
            }
            Map<String, String> settings = files.serviceSettings();
            OctoflowService service = new OctoflowService(OctoflowConfig.from(settings));
            service.start();
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://localhost:" + settings.get("API_PORT") + "/api/flows/launch?wait=true";
            AtomicLong answered = new AtomicLong();
            try {
                System.out.printf("java %s, %d cores; file flow launched with POST /api/flows/launch?wait=true%n",
                        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
                long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
                while (System.nanoTime() < warmupEnd) {
                    launch(http, url, "file_flow.yml");
                    answered.incrementAndGet();
                }
                long[] nanos = new long[runs];
                long start = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    launch(http, url, "file_flow.yml");
                    nanos[i] = System.nanoTime() - t0;
                }
                answered.addAndGet(runs);
                double oneClient = runs / ((System.nanoTime() - start) / 1e9);
                Stats stats = Stats.ofNanos(nanos);
                System.out.printf(Locale.ROOT, "one client: %s; %.0f runs/s; %.0fx the spooler's 15 runs/s,"
                        + " latency %.0fx lower than its 70 ms%n", stats.describe("ms"), oneClient, oneClient / 15,
                        70 / stats.median());

                ExecutorService pool = Executors.newFixedThreadPool(clients);
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                List<CompletableFuture<long[]>> workers = new ArrayList<>();
                long t0 = System.nanoTime();
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
                List<Long> all = new ArrayList<>();
                for (CompletableFuture<long[]> worker : workers) {
                    for (long n : worker.join()) {
                        all.add(n);
                    }
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                pool.shutdown();
                answered.addAndGet(all.size());
                Stats concurrent = Stats.ofNanos(all.stream().mapToLong(Long::longValue).toArray());
                double throughput = all.size() / elapsed;
                System.out.printf(Locale.ROOT, "%d clients, %d s: %.0f runs/s (%.0fx the spooler's 15 runs/s);"
                        + " latency %s%n", clients, seconds, throughput, throughput / 15, concurrent.describe("ms"));

                long recorded = service.store().count(new ExecutionQuery(null, "success", null, null, 1, 0));
                long all2 = service.store().count(new ExecutionQuery(null, null, null, null, 1, 0));
                System.out.printf("history: %d successful runs recorded of %d answered launches (%d rows in all)%n",
                        recorded, answered.get(), all2);
            } finally {
                service.close();
            }
        }
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
