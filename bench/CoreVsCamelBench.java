import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.route.OctoflowCamelContext;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;

/**
 * Issue 17: the five-step file flow of {@link CoreBench} done three ways in one JVM, one run at a time, the three
 * interleaved in blocks (so the machine's load falls on each alike), the written file of each checked equal:
 * (i) Octoflow ({@code FlowEngine.run}, the path of {@code ./octoflow launch}); (ii) the Camel route a Camel user
 * would write for the same five steps (Java DSL: the file read by Camel's type converter, camel-jq transforms,
 * Jinjava in a processor through its own render(text, map), Camel's file producer); (iii) plain Java (jackson-jq compiled
 * once, one reused Jinjava, the same write). Per run: wall time, and CPU of the threads doing the run (the
 * caller's own, plus any other thread that worked while the variant ran: Octoflow's {@code octoflow-run} pool thread
 * in builds before issue 17's fourth session, which ran the route on the caller's thread), from ThreadMXBean; the
 * bytes those threads allocated. {@code -Dbench.flow=service}: Octoflow alone on the flow as the service benchmark
 * runs it (its file read as YAML).
 * Usage: bench/run.sh core-vs-camel [warm-up seconds, default 10] [rounds, default 40] [runs per block, default 50];
 * {@code -Dbench.dir} is where the files go (default {@code /dev/shm}: tmpfs, so the figures are the engines' and
 * not ext4's forced flush of a truncated file, see docs/BENCHMARKS.md "Core engine").
 */
public final class CoreVsCamelBench {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, CoreVsCamelBench::run);
    }

    /** One way of doing the flow once. */
    interface Variant {
        String name();

        void runOnce() throws Exception;

        /** What it wrote, parsed: must be the same for every variant. */
        JsonNode output() throws Exception;
    }

    private static void run(String[] args) throws Exception {
        int warmupSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int block = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Path dir = Path.of(System.getProperty("bench.dir", "/dev/shm"));
        try (BenchFiles files = new BenchFiles(dir)) {
            files.fileFlow();
            // the summary step reads the whole flow data: without data_key (ours); data_key "." gives a jq step {},
            // as on the spooler, and CoreBench's flow then summarizes nothing ({"count": 0, "report": null})
            Path flowFile = files.flows.resolve("file_flow.yml");
            // -Dbench.flow=service: the flow as `bench/run.sh service-launch` runs it (its file read as YAML, its
            // summary of {}), Octoflow alone: what the service's run thread does, measured in-process (issue 17 (b))
            boolean serviceFlow = "service".equals(System.getProperty("bench.flow"));
            // and the read step says the file is JSON, as the Camel route and plain Java read it (a file step reads
            // YAML unless told, as PyYAML's safe_load would: a slower parser for the same tree)
            if (!serviceFlow) Files.writeString(flowFile, Files.readString(flowFile)
                    .replace("      data_key: \".\"\n", "")
                    .replace("      path: tickets.json\n", "      path: tickets.json\n      type: json\n"));
            Map<String, String> settings = new HashMap<>();
            settings.put("DATA_PATH", files.data.toString());
            settings.put("FLOWS_PATH", files.flows.toString());
            settings.put("TEMPLATES_PATH", files.templates.toString());
            OctoflowConfig config = OctoflowConfig.from(settings);
            CamelContext camel = new DefaultCamelContext();
            // as Octoflow's engine context: no Camel JBang connector (its status task is periodic, not per run)
            camel.build();
            var cli = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.spi.CliConnectorFactory.class);
            if (cli != null) {
                cli.setEnabled(false);
            }
            try (FlowEngine engine = new FlowEngine(config, new OctoflowCamelContext(), new KubernetesAccess(config))) {
                List<Variant> variants = new ArrayList<>(
                        List.of(octoflow(engine, files), camelRoute(camel, files), plainJava(files)));
                // -Dbench.only=octoflow: that variant alone (to profile it), the others' files still checked
                String only = serviceFlow ? "octoflow" : System.getProperty("bench.only");
                if (only != null) {
                    variants.removeIf(variant -> !variant.name().startsWith(only));
                }
                System.out.printf(Locale.ROOT, "java %s, %d cores, files in %s; warm-up %d s, then %d rounds of %d runs"
                        + " of each variant, interleaved; load average %s%n", System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors(), dir, warmupSeconds, rounds, block, loadAverage());
                compare(variants, warmupSeconds, rounds, block);
            } finally {
                camel.close();
            }
        }
        System.out.printf("load average at the end %s%n", loadAverage());
    }

    // --- (i) Octoflow ---

    private static Variant octoflow(FlowEngine engine, BenchFiles files) {
        FlowDefinition flow = engine.load(files.flows.resolve("file_flow.yml"));
        Path written = files.data.resolve("out/report.json");
        return new Variant() {
            @Override
            public String name() {
                return "octoflow FlowEngine.run";
            }

            @Override
            public void runOnce() {
                RunResult result = engine.run(flow, null, Map.of());
                if (result.status() != RunStatus.SUCCESS) {
                    throw new IllegalStateException(result.flowName() + " " + result.status() + ": " + result.error());
                }
            }

            @Override
            public JsonNode output() throws Exception {
                return JSON.readTree(written.toFile());
            }
        };
    }

    // --- (ii) the hand-written Camel route ---

    private static final String URGENT = "{data: [.result[] | select(.priority == \"high\")]}";
    private static final String SUMMARY = "{count: (.urgent.data | length), report: .report}";

    private static Variant camelRoute(CamelContext camel, BenchFiles files) throws Exception {
        Path tickets = files.data.resolve("tickets.json");
        String template = Files.readString(files.templates.resolve("report.j2"));
        Jinjava jinjava = new Jinjava();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:file-flow").routeId("hand-written")
                        // read: the file's text through Camel's type converter
                        .setBody(constant(tickets.toFile())).convertBodyTo(String.class)
                        // urgent: camel-jq on the text (camel-jackson turns it into a tree)
                        .transform().jq(URGENT)
                        .convertBodyTo(Map.class).setVariable("urgent", body())
                        // report: Jinjava's own render(text, map) (parses the text each time), the body's keys as variables
                        .process(exchange -> exchange.getMessage().setBody(
                                jinjava.render(template, exchange.getMessage().getBody(Map.class))))
                        .setVariable("report", body())
                        // summary: camel-jq over what the route has so far
                        .process(exchange -> {
                            Map<String, Object> data = new LinkedHashMap<>();
                            data.put("urgent", exchange.getVariable("urgent"));
                            data.put("report", exchange.getVariable("report"));
                            exchange.getMessage().setBody(data);
                        })
                        .transform().jq(SUMMARY)
                        // write: JSON through Camel's file producer (replaces the file)
                        .marshal().json()
                        .to("file:" + files.data.resolve("out") + "?fileName=camel.json");
            }
        });
        camel.start();
        ProducerTemplate producer = camel.createProducerTemplate();
        Path written = files.data.resolve("out/camel.json");
        return new Variant() {
            @Override
            public String name() {
                return "hand-written Camel route";
            }

            @Override
            public void runOnce() {
                Exchange done = producer.send("direct:file-flow", exchange -> { });
                if (done.getException() != null) {
                    throw new IllegalStateException(done.getException());
                }
            }

            @Override
            public JsonNode output() throws Exception {
                return JSON.readTree(written.toFile());
            }
        };
    }

    // --- (iii) plain Java ---

    private static Variant plainJava(BenchFiles files) throws Exception {
        Path tickets = files.data.resolve("tickets.json");
        Path written = files.data.resolve("out/plain.json");
        String template = Files.readString(files.templates.resolve("report.j2"));
        Jinjava jinjava = new Jinjava();
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, scope);
        JsonQuery urgent = JsonQuery.compile(URGENT, Versions.JQ_1_6);
        JsonQuery summary = JsonQuery.compile(SUMMARY, Versions.JQ_1_6);
        TypeReference<Map<String, Object>> mapType = new TypeReference<>() { };
        return new Variant() {
            @Override
            public String name() {
                return "plain Java";
            }

            @Override
            public void runOnce() throws Exception {
                JsonNode read = JSON.readTree(Files.readString(tickets));
                List<JsonNode> out = new ArrayList<>(1);
                urgent.apply(Scope.newChildScope(scope), read, out::add);
                Map<String, Object> urgentData = JSON.convertValue(out.get(0), mapType);
                String report = jinjava.render(template, urgentData);
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("urgent", urgentData);
                data.put("report", report);
                out.clear();
                summary.apply(Scope.newChildScope(scope), JSON.valueToTree(data), out::add);
                Files.write(written, JSON.writeValueAsBytes(out.get(0)));
            }

            @Override
            public JsonNode output() throws Exception {
                return JSON.readTree(written.toFile());
            }
        };
    }

    // --- the measurement ---

    private static void compare(List<Variant> variants, int warmupSeconds, int rounds, int block) throws Exception {
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            for (Variant variant : variants) {
                for (int i = 0; i < 20; i++) {
                    variant.runOnce();
                }
            }
        }
        JsonNode expected = variants.get(0).output();
        checkOutputs(variants, expected);
        System.out.println("each variant wrote " + expected);
        // the threads doing each variant's runs besides the caller: those that used CPU while it ran
        List<long[]> helpers = new ArrayList<>();
        for (Variant variant : variants) {
            helpers.add(busyThreads(variant));
        }
        int n = rounds * block;
        long[][] wall = new long[variants.size()][n];
        long[][] cpu = new long[variants.size()][n];
        long[] allocated = new long[variants.size()];
        long caller = Thread.currentThread().getId();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < variants.size(); k++) {
                int v = (round + k) % variants.size(); // each variant in turn goes first
                Variant variant = variants.get(v);
                long[] others = helpers.get(v);
                for (int i = 0; i < block; i++) {
                    long others0 = sum(THREADS.getThreadCpuTime(others));
                    long alloc0 = sum(THREADS.getThreadAllocatedBytes(others));
                    long callerAlloc0 = THREADS.getThreadAllocatedBytes(caller);
                    long own0 = THREADS.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    variant.runOnce();
                    long t1 = System.nanoTime();
                    long own1 = THREADS.getCurrentThreadCpuTime();
                    long callerAlloc1 = THREADS.getThreadAllocatedBytes(caller);
                    long others1 = sum(THREADS.getThreadCpuTime(others));
                    long alloc1 = sum(THREADS.getThreadAllocatedBytes(others));
                    int at = round * block + i;
                    wall[v][at] = t1 - t0;
                    cpu[v][at] = (own1 - own0) + (others1 - others0);
                    allocated[v] += (callerAlloc1 - callerAlloc0) + (alloc1 - alloc0);
                }
            }
            checkOutputs(variants, expected);
        }
        System.out.printf(Locale.ROOT, "%-26s %12s %10s %12s %10s %14s%n", "variant", "wall median", "wall p99",
                "CPU median", "CPU p99", "alloc per run");
        double[] wallMedian = new double[variants.size()];
        double[] cpuMedian = new double[variants.size()];
        for (int v = 0; v < variants.size(); v++) {
            Stats w = Stats.ofNanos(wall[v]);
            Stats c = Stats.ofNanos(cpu[v]);
            wallMedian[v] = w.median();
            cpuMedian[v] = c.median();
            System.out.printf(Locale.ROOT, "%-26s %9.3f ms %7.3f ms %9.3f ms %7.3f ms %11.1f KiB%n",
                    variants.get(v).name(), w.median(), w.percentile(99), c.median(), c.percentile(99),
                    allocated[v] / (double) n / 1024);
        }
        for (int a = 0; a < variants.size(); a++) {
            for (int b = a + 1; b < variants.size(); b++) {
                System.out.printf(Locale.ROOT, "%s / %s: wall %.2fx, CPU %.2fx (medians)%n", variants.get(a).name(),
                        variants.get(b).name(), wallMedian[a] / wallMedian[b], cpuMedian[a] / cpuMedian[b]);
            }
        }
        System.out.println("outputs checked equal after the warm-up and after every round");
        processorCalls();
    }

    /**
     * Camel's processor calls per run of each route measured here, from its JMX statistics (every processor's
     * ExchangesTotal over its route's): a count, which the machine's load does not move.
     */
    private static void processorCalls() throws Exception {
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, long[]> routes = new LinkedHashMap<>(); // route id: exchanges, processor calls, processors
        for (javax.management.ObjectName name : server.queryNames(
                new javax.management.ObjectName("org.apache.camel:type=routes,*"), null)) {
            String id = (String) server.getAttribute(name, "RouteId");
            if (id.startsWith("flow-") || id.equals("hand-written")) {
                routes.put(id, new long[] {(Long) server.getAttribute(name, "ExchangesTotal"), 0, 0});
            }
        }
        for (javax.management.ObjectName name : server.queryNames(
                new javax.management.ObjectName("org.apache.camel:type=processors,*"), null)) {
            long[] route = routes.get((String) server.getAttribute(name, "RouteId"));
            if (route != null) {
                long calls = (Long) server.getAttribute(name, "ExchangesTotal");
                route[1] += calls;
                route[2]++;
                if (Boolean.getBoolean("bench.processors")) { // -Dbench.processors=true: each one's calls per run
                    System.out.printf(Locale.ROOT, "  %s %s: %.1f%n", server.getAttribute(name, "RouteId"),
                            server.getAttribute(name, "ProcessorId"), calls / (double) Math.max(1, route[0]));
                }
            }
        }
        routes.forEach((id, r) -> System.out.printf(Locale.ROOT,
                "route %s: %d processors, %.1f processor calls per run (JMX, %d runs)%n", id, r[2],
                r[1] / (double) Math.max(1, r[0]), r[0]));
    }

    private static void checkOutputs(List<Variant> variants, JsonNode expected) throws Exception {
        for (Variant variant : variants) {
            JsonNode actual = variant.output();
            if (!expected.equals(actual)) {
                throw new IllegalStateException(variant.name() + " wrote " + actual + ", expected " + expected);
            }
        }
    }

    /** The threads other than the caller that used CPU while {@code variant} ran 200 times (named on the output). */
    private static long[] busyThreads(Variant variant) throws Exception {
        long caller = Thread.currentThread().getId();
        long[] ids = THREADS.getAllThreadIds();
        long[] before = THREADS.getThreadCpuTime(ids);
        long ownBefore = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < 200; i++) {
            variant.runOnce();
        }
        long own = THREADS.getCurrentThreadCpuTime() - ownBefore;
        long[] after = THREADS.getThreadCpuTime(ids);
        long total = own;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != caller && before[i] >= 0 && after[i] >= 0) {
                total += after[i] - before[i];
            }
        }
        List<Long> busy = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            long used = after[i] - before[i];
            var info = THREADS.getThreadInfo(ids[i]);
            // Octoflow's own threads (before: the pool thread running the route; since: the timeout thread)
            boolean runThread = variant.name().startsWith("octoflow") && info != null
                    && info.getThreadName().contains("octoflow-run");
            if (info != null && info.getThreadName().contains("LocalCliConnector")) {
                continue; // never run by either engine here; a CLI connector is periodic, not per run
            }
            if (ids[i] != caller && before[i] >= 0 && after[i] >= 0 && (used > total / 100 || runThread)) {
                busy.add(ids[i]);
                names.append(", ").append(info == null ? ids[i] : info.getThreadName())
                        .append(String.format(Locale.ROOT, " %.0f%%", 100.0 * used / total));
            }
        }
        System.out.printf(Locale.ROOT, "%s: CPU of the caller %.0f%%%s%n", variant.name(), 100.0 * own / total, names);
        return busy.stream().mapToLong(Long::longValue).toArray();
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += Math.max(0, value);
        }
        return total;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
