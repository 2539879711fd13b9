import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.app.OctoflowService;

/**
 * Service benchmark (b) of issue 3: N flows (default 1,000) on {@code every_seconds: 1}, run by the service for a
 * while, then read back from the execution history. Lateness = started_at - scheduled_at of every fire after the
 * first seconds; drift = how far each flow's fire times move away from first fire + k seconds, and the mean
 * interval between consecutive starts of one flow (the spooler: 1.065 s, drifting 65 ms a fire).
 * Usage: bench/run.sh schedule [flows, default 1000] [seconds, default 60] [skipped first seconds, default 10]
 */
public final class SchedulePrecisionBench {

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, SchedulePrecisionBench::run);
    }

    private static void run(String[] args) throws Exception {
        int flows = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int settle = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (BenchFiles files = new BenchFiles()) {
            for (int i = 1; i <= flows; i++) {
                files.write(files.flows, String.format("tick-%04d.yml", i), """
                        name: tick %d
                        every_seconds: 1
                        steps:
                          - name: stamp
                            type: set_fact
                            set_fact:
                              value: "{{ __timestamp__ }}"
                        """.formatted(i));
            }
            OctoflowService service = new OctoflowService(OctoflowConfig.from(files.serviceSettings()));
            long t0 = System.nanoTime();
            service.start();
            Instant started = Instant.now();
            System.out.printf(Locale.ROOT, "java %s, %d cores; %d flows on every_seconds: 1, started in %.1f s;"
                    + " running %d s, the first %d s left out%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), flows, (System.nanoTime() - t0) / 1e9, seconds,
                    settle);
            Thread.sleep(seconds * 1000L);
            service.close();

            List<Execution> rows = new ArrayList<>();
            try (var db = io.octoflow.database.Database.open(
                    "jdbc:h2:file:" + files.data.resolve("octoflow"), null, null)) {
                var store = new io.octoflow.history.JdbcExecutionRepository(db);
                for (int offset = 0; ; offset += ExecutionQuery.MAX_LIMIT) {
                    List<Execution> page = store.list(new ExecutionQuery(null, null, null, null,
                            ExecutionQuery.MAX_LIMIT, offset));
                    rows.addAll(page);
                    if (page.size() < ExecutionQuery.MAX_LIMIT) {
                        break;
                    }
                }
            }
            Instant from = started.plusSeconds(settle);
            Instant until = started.plusSeconds(seconds); // leaves out the fires during the stop
            Map<String, List<Execution>> byFlow = new HashMap<>();
            int skipped = 0;
            int failed = 0;
            List<Double> lateness = new ArrayList<>();
            for (Execution e : rows) {
                if (e.scheduledAt() == null || e.scheduledAt().isBefore(from) || !e.scheduledAt().isBefore(until)) {
                    continue;
                }
                if (e.status().equals(Execution.SKIPPED)) {
                    skipped++;
                    continue;
                }
                if (!e.status().equals(Execution.SUCCESS)) {
                    failed++;
                    continue;
                }
                lateness.add(Duration.between(e.scheduledAt(), e.startedAt()).toNanos() / 1e6);
                byFlow.computeIfAbsent(e.flowName(), k -> new ArrayList<>()).add(e);
            }
            Stats late = new Stats(lateness.stream().mapToDouble(Double::doubleValue).toArray());
            double window = seconds - settle;
            System.out.printf(Locale.ROOT, "fires measured: %d over %.0f s (%d skipped, %d failed): %.0f fires/s,"
                    + " %d expected%n", lateness.size(), window, skipped, failed, lateness.size() / window, flows);
            System.out.printf(Locale.ROOT, "lateness (start - scheduled fire): %s%n", late.describe("ms"));

            // drift: scheduled times stay on the grid first + k s, and starts follow them at a constant delay
            List<Double> gridErrors = new ArrayList<>();
            List<Double> intervals = new ArrayList<>();
            List<Double> startDrift = new ArrayList<>();
            for (List<Execution> runs : byFlow.values()) {
                runs.sort(Comparator.comparing(Execution::scheduledAt));
                Instant first = runs.get(0).scheduledAt();
                for (int k = 0; k < runs.size(); k++) {
                    Execution run = runs.get(k);
                    long sinceFirst = Duration.between(first, run.scheduledAt()).toMillis();
                    gridErrors.add((double) Math.abs(sinceFirst - Math.round(sinceFirst / 1000.0) * 1000));
                    if (k > 0) {
                        intervals.add(Duration.between(runs.get(k - 1).startedAt(), run.startedAt()).toNanos() / 1e6);
                    }
                }
                Execution last = runs.get(runs.size() - 1);
                long fires = Math.round(Duration.between(first, last.scheduledAt()).toMillis() / 1000.0);
                if (fires > 0) {
                    double expected = Duration.between(runs.get(0).startedAt(), last.startedAt()).toNanos() / 1e6;
                    startDrift.add((expected - fires * 1000.0) / fires);
                }
            }
            Stats grid = new Stats(gridErrors.stream().mapToDouble(Double::doubleValue).toArray());
            Stats interval = new Stats(intervals.stream().mapToDouble(Double::doubleValue).toArray());
            Stats drift = new Stats(startDrift.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "scheduled fire times off the 1 s grid: max %.0f ms%n", grid.max());
            System.out.printf(Locale.ROOT, "interval between consecutive starts of a flow: %s%n",
                    interval.describe("ms"));
            System.out.printf(Locale.ROOT, "drift per fire (first to last start of each flow, per interval):"
                    + " median %.3f ms, p99 %.3f ms, mean %.3f ms%n", drift.median(), drift.percentile(99),
                    drift.mean());
        }
    }
}
