import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.route.OctoflowCamelContext;

/**
 * Core benchmark (issue 2): per-run latency of (a) the five-step file flow and (b) seven REST calls plus a
 * three-item flow_loop against a local HTTP server, both run in-process by the engine, one run at a time.
 * Usage: bench/run.sh core [warm-up seconds, default 10] [measured runs per flow, default 2000]
 */
public final class CoreBench {

    /** Requests the local server answered: proves each run of (b) really made its seven calls. */
    static final AtomicLong REQUESTS = new AtomicLong();

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, CoreBench::run);
    }

    private static void run(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        HttpServer server = jsonServer();
        try (BenchFiles files = new BenchFiles()) {
            files.fileFlow();
            restFlows(files, server.getAddress().getPort());
            Map<String, String> settings = new HashMap<>();
            settings.put("DATA_PATH", files.data.toString());
            settings.put("FLOWS_PATH", files.flows.toString());
            settings.put("TEMPLATES_PATH", files.templates.toString());
            OctoflowConfig config = OctoflowConfig.from(settings);
            try (FlowEngine engine = new FlowEngine(config, new OctoflowCamelContext(), new KubernetesAccess(config))) {
                FlowDefinition fileFlow = engine.load(files.flows.resolve("file_flow.yml"));
                FlowDefinition restFlow = engine.load(files.flows.resolve("rest_flow.yml"));
                System.out.printf("java %s, %d cores; warm-up %d s per flow, %d measured runs per flow%n",
                        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                        warmupSeconds, runs);
                report("(a) five-step file flow", engine, fileFlow, warmupSeconds, runs, 70);
                long before = REQUESTS.get();
                report("(b) 7 REST calls + 3-item flow_loop", engine, restFlow, warmupSeconds, runs, 140);
                System.out.printf(Locale.ROOT, "    the local server answered %.2f requests per run of (b)%n",
                        (REQUESTS.get() - before) / (double) (runs + warmupRuns));
            }
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private static long warmupRuns;

    private static void report(String title, FlowEngine engine, FlowDefinition flow, int warmupSeconds, int runs,
            double baselineMillis) {
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        warmupRuns = 0;
        while (System.nanoTime() < warmupEnd) {
            check(engine.run(flow, null, Map.of()));
            warmupRuns++;
        }
        long[] nanos = new long[runs];
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            RunResult result = engine.run(flow, null, Map.of());
            nanos[i] = System.nanoTime() - t0;
            check(result);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats stats = Stats.ofNanos(nanos);
        System.out.printf(Locale.ROOT, "%s: %s; %.0f runs/s on one thread; %.0fx faster than the spooler's %.0f ms%n",
                title, stats.describe("ms"), runs / seconds, baselineMillis / stats.median(), baselineMillis);
    }

    private static void check(RunResult result) {
        if (result.status() != RunStatus.SUCCESS) {
            throw new IllegalStateException(result.flowName() + " " + result.status() + ": " + result.error());
        }
    }

    /** Answers every GET with a small JSON document and echoes POST bodies inside one. */
    static HttpServer jsonServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            byte[] request;
            try (InputStream in = exchange.getRequestBody()) {
                request = in.readAllBytes();
            }
            String body = "POST".equals(exchange.getRequestMethod())
                    ? "{\"received\": " + new String(request, StandardCharsets.UTF_8) + ", \"ok\": true}"
                    : "{\"path\": \"" + exchange.getRequestURI().getPath() + "\", \"items\": [{\"id\": 1,"
                            + " \"name\": \"alpha\", \"value\": 10}, {\"id\": 2, \"name\": \"beta\", \"value\": 20},"
                            + " {\"id\": 3, \"name\": \"gamma\", \"value\": 30}], \"total\": 3}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Seven REST calls (GETs with query and headers, POSTs with templated bodies), then a flow_loop of three. */
    static void restFlows(BenchFiles files, int port) {
        String base = "http://127.0.0.1:" + port;
        files.write(files.flows, "lib/enrich.yml", """
                name: enrich
                steps:
                  - name: line
                    type: set_fact
                    set_fact:
                      value:
                        id: "{{ __input__.id }}"
                        label: "{{ __loop_index__ }}. {{ __input__.name | upper }}"
                """);
        StringBuilder flow = new StringBuilder("name: rest flow\nsteps:\n");
        for (int i = 1; i <= 7; i++) {
            boolean post = i % 2 == 0;
            flow.append("  - name: call ").append(i).append('\n')
                    .append("    type: rest\n")
                    .append("    rest:\n")
                    .append("      uri: \"").append(base).append("/api/resource").append(i).append("\"\n")
                    .append("      method: ").append(post ? "POST" : "GET").append('\n')
                    .append("      headers:\n        X-Job-Id: \"{{ __job_id__ }}\"\n");
            if (post) {
                flow.append("      body:\n        step: ").append(i)
                        .append("\n        previous: \"{{ __timestamp__ }}\"\n");
            } else {
                flow.append("      query:\n        page: \"").append(i).append("\"\n");
            }
        }
        flow.append("""
                  - name: items
                    type: jq
                    jq:
                      expression: '.items'
                      data_key: call 1
                  - name: loop
                    type: flow_loop
                    flow_loop:
                      path: lib/enrich.yml
                      data_key: items
                """);
        files.write(files.flows, "rest_flow.yml", flow.toString());
    }
}
