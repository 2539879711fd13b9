import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.app.OctoflowService;

/**
 * Service benchmark (c) of issue 3: start-up with many flow files (default 10,000) in FLOWS_PATH, each with three
 * steps (set_fact, jq, debug); every tenth is scheduled (cron, hourly). Measures the time from {@code start()} to
 * ready (every file validated and deployed, schedules on Quartz, API listening) and the heap used after a full GC
 * once it is up.
 * RSS is the process's resident set (VmRSS) at that point. {@code -DFLOW_ROUTES=at-deploy} builds every flow's route at
 * start (as before issue 17); the default builds a route on its flow's first run. {@code -DFLOW_LOAD_THREADS=1} reads
 * the files on the start-up thread only.
 * Usage: bench/run.sh startup [files, default 10000] [every n-th file scheduled, default 10; 0 = none]
 */
public final class StartupBench {

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, StartupBench::run);
    }

    private static void run(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int scheduledEvery = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (BenchFiles files = new BenchFiles()) {
            for (int i = 1; i <= count; i++) {
                boolean scheduled = scheduledEvery > 0 && i % scheduledEvery == 0;
                files.write(files.flows, String.format("team-%02d/flow-%05d.yml", i % 50, i), """
                        name: flow %d
                        description: start-up benchmark flow %d
                        %s
                        steps:
                          - name: values
                            type: set_fact
                            set_fact:
                              value: [1, 2, "{{ __loop_index__ | default(3) }}"]
                          - name: total
                            type: jq
                            jq:
                              expression: 'map(tonumber) | add'
                              data_key: values
                          - name: show
                            type: debug
                        """.formatted(i, i, scheduled ? "cron: \"" + (i % 60) + " * * * *\"" : ""));
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            java.util.Map<String, String> settings = files.serviceSettings();
            if (System.getProperty("FLOW_ROUTES") != null) { // on-first-run (the default) or at-deploy
                settings.put("FLOW_ROUTES", System.getProperty("FLOW_ROUTES"));
            }
            if (System.getProperty("FLOW_LOAD_THREADS") != null) { // 0 (the default): one per core
                settings.put("FLOW_LOAD_THREADS", System.getProperty("FLOW_LOAD_THREADS"));
            }
            OctoflowService service = new OctoflowService(OctoflowConfig.from(settings));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            service.start();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9; // on a shared machine, less noisy than time
            if (!service.ready()) {
                throw new IllegalStateException("the service is not ready");
            }
            int deployed = service.deployments().size();
            int schedules = service.scheduler().entries().size();
            int invalid = service.directory().invalidFiles().size();
            System.gc();
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            System.out.printf(Locale.ROOT, "java %s, %d cores, %s%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), ManagementFactory.getRuntimeMXBean().getInputArguments());
            System.out.printf(Locale.ROOT, "%d flow files (%d scheduled): ready in %.1f s (%.2f ms per file);"
                    + " %d deployed, %d invalid, %d schedules, %d Camel routes; process CPU %.1f s%n", count, schedules,
                    seconds, seconds * 1000 / count, deployed, invalid, schedules, service.camel().getRoutes().size(),
                    cpuSeconds);
            System.out.printf(Locale.ROOT, "heap used after full GC: %.0f MiB with the service up (%.0f MiB before"
                    + " it started); %.1f KiB per flow; RSS %.0f MiB%n", heapAfter / 1048576.0,
                    heapBefore / 1048576.0, (heapAfter - heapBefore) / 1024.0 / count, ScaleMemoryBench.rssMiB());
            long t1 = System.nanoTime();
            service.close();
            System.out.printf(Locale.ROOT, "clean stop in %.1f s%n", (System.nanoTime() - t1) / 1e9);
        }
    }
}
