import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.octoflow.app.OctoflowService;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.launch.Launcher;

/**
 * Memory benchmark of issue 17: the service on the shipped examples (routes/, templates/, data/ copied), its RSS and
 * heap after a full GC once idle; then N recorded runs (default 100,000) of a small flow through the launcher, eight
 * at a time, with heap after GC and RSS every N/5 runs: they must not grow with the number of runs.
 * Usage: bench/run.sh memory [runs, default 100000] [idle seconds, default 10]
 */
public final class ScaleMemoryBench {

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, ScaleMemoryBench::run);
    }

    /** The resident set of this process (VmRSS), in MiB; -1 where /proc is missing. */
    static double rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static double heapAfterGcMiB() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void run(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (BenchFiles files = new BenchFiles()) {
            copy(Path.of("routes"), files.flows);
            copy(Path.of("templates"), files.templates);
            copy(Path.of("data"), files.data);
            files.write(files.flows, "bench/memory.yml", """
                    name: memory bench
                    concurrency: allow
                    steps:
                      - name: values
                        type: set_fact
                        set_fact:
                          value: [1, 2, 3]
                      - name: total
                        type: jq
                        jq:
                          expression: 'map(tonumber) | add'
                          data_key: values
                    """);
            java.util.Map<String, String> settings = files.serviceSettings();
            if (System.getProperty("FLOW_ROUTES") != null) {
                settings.put("FLOW_ROUTES", System.getProperty("FLOW_ROUTES"));
            }
            OctoflowService service = new OctoflowService(OctoflowConfig.from(settings));
            service.start();
            Thread.sleep(idle * 1000L);
            System.out.printf(Locale.ROOT, "java %s, %d cores, %s%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getRuntimeMXBean().getInputArguments());
            System.out.printf(Locale.ROOT, "idle with the examples (%d flows deployed, %d s): heap after GC %.1f MiB,"
                    + " RSS %.0f MiB%n", service.deployments().size(), idle, heapAfterGcMiB(), rssMiB());
            FlowDefinition flow = service.directory().flowAt("bench/memory.yml");
            Launcher launcher = service.launcher();
            Semaphore inFlight = new Semaphore(8);
            AtomicLong failed = new AtomicLong();
            long t0 = System.nanoTime();
            int step = Math.max(1, runs / 5);
            for (int i = 1; i <= runs; i++) {
                inFlight.acquire();
                Launcher.Launch launch = launcher.launch(flow, null, Trigger.API, null, null);
                if (!launch.admitted()) {
                    inFlight.release();
                    failed.incrementAndGet();
                    continue;
                }
                CompletableFuture<?> done = launch.done().whenComplete((result, error) -> {
                    if (error != null || !result.status().ok()) {
                        failed.incrementAndGet();
                    }
                    inFlight.release();
                });
                if (i % step == 0) {
                    done.join();
                    inFlight.acquire(8);
                    inFlight.release(8);
                    System.out.printf(Locale.ROOT, "after %,d runs (%.0f s, %d failed): heap after GC %.1f MiB,"
                            + " RSS %.0f MiB%n", i, (System.nanoTime() - t0) / 1e9, failed.get(), heapAfterGcMiB(),
                            rssMiB());
                }
            }
            service.close();
        }
    }
}
