import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseUrls;
import io.octoflow.execution.StepRecord;
import io.octoflow.history.Execution;
import io.octoflow.history.JdbcExecutionRepository;

/**
 * Issue 17: what recording one run costs the embedded H2 history, by itself (no HTTP, no engine): a run recorded as
 * the launcher records it (its running row written durably, then its end with five step rows), with 1 and 8 threads
 * recording at once, in a DATA_PATH under each directory of {@code -Dbench.dirs} (default {@code /tmp,/dev/shm}).
 * CPU time of the whole process per recorded run (the H2 writer threads included) and wall time per run.
 * {@code -Dbench.mode=launcher|quiet|record}: see {@link #MODE}; {@code -Dbench.threads=1,8}: the writer threads of
 * each phase; {@code -Dbench.ids=random|ordered}: see {@link #IDS}; {@code -Dbench.data=small|file}: see
 * {@link #DATA} (and {@code batch}, {@code -Dbench.input=once}: {@link #batchData}). Besides the times: the bytes the process wrote per run ({@code wchar} of {@code /proc/self/io}:
 * what H2 wrote to its file) and the file's size at the end.
 * Usage: bench/run.sh history-write [runs per phase, default 5000]
 */
public final class HistoryWriteBench {

    private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, HistoryWriteBench::run);
    }

    private static void run(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        System.out.printf("ids %s, data %s (%d bytes of input, %d of data), mode %s%n", IDS, DATA_KIND,
                INPUT.length(), DATA.length(), MODE);
        System.out.println("| DATA_PATH | threads | recorded runs/s | CPU per recorded run | wall per run"
                + " | written per run | file at the end |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String dir : System.getProperty("bench.dirs", "/tmp,/dev/shm").split(",")) {
            Path data = Files.createTempDirectory(Path.of(dir.trim()), "octoflow-history-bench");
            // -Dbench.h2=";PAGE_SIZE=8192": H2 settings added to the URL; -Dbench.drop=index1,index2: indexes dropped
            // after the migrations (both to measure a storage variant before making it the default)
            Database database = Database.open(DatabaseUrls.h2(data) + System.getProperty("bench.h2", ""), "", null);
            for (String index : System.getProperty("bench.drop", "").split(",")) {
                if (!index.isBlank()) {
                    database.inTransaction("drop an index", c -> {
                        try (var st = c.createStatement()) {
                            return st.execute("DROP INDEX " + index.trim());
                        }
                    });
                }
            }
            try {
                JdbcExecutionRepository store = new JdbcExecutionRepository(database);
                for (String count : System.getProperty("bench.threads", "1,8").split(",")) {
                    int threads = Integer.parseInt(count.trim());
                    phase(store, threads, runs / 2); // warm-up
                    long cpu = OS.getProcessCpuTime();
                    long written = writtenBytes();
                    long t0 = System.nanoTime();
                    phase(store, threads, runs);
                    double wall = (System.nanoTime() - t0) / 1e6;
                    double cpuMillis = (OS.getProcessCpuTime() - cpu) / 1e6;
                    double kib = (writtenBytes() - written) / 1024.0 / runs;
                    System.out.printf(Locale.ROOT, "| %s (%s) | %d | %.0f | %.3f ms | %.3f ms | %.1f KiB | %.1f MiB |%n",
                            dir, Files.getFileStore(data).type(), threads, runs / (wall / 1000), cpuMillis / runs,
                            wall / runs, kib, Files.size(data.resolve("octoflow.mv.db")) / 1048576.0);
                }
            } finally {
                database.close();
                try (var files = Files.walk(data)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void phase(JdbcExecutionRepository store, int threads, int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < runs / threads; i++) {
                    recordOne(store);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    /**
     * launcher: as every run was recorded before issue 17 (and still is when the caller is answered at admission);
     * quiet: as a run whose caller waits is recorded now (one write at its end, then sync); record: that write alone.
     */
    private static final String MODE = System.getProperty("bench.mode", "launcher");

    /** ExecutionRepository.sync, by reflection: this harness also runs against builds older than it (BENCH_BUILD). */
    private static void sync(JdbcExecutionRepository store) {
        try {
            store.getClass().getMethod("sync").invoke(store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this build has no ExecutionRepository.sync", e);
        }
    }

    /**
     * A waiting caller's run as the build records it: {@code recordDurably} (the history writer's batch and one
     * flush per batch) where it exists, else {@code record} then {@code sync} (builds before the writer).
     */
    private static void recordDurably(JdbcExecutionRepository store, Execution run) {
        java.lang.reflect.Method durably;
        try {
            durably = store.getClass().getMethod("recordDurably", Execution.class);
        } catch (NoSuchMethodException e) {
            store.record(run);
            sync(store);
            return;
        }
        try {
            durably.invoke(store, run);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** The bytes this process has written with write(2) so far (H2's file writes; the console's are few). */
    private static long writtenBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring(6).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return 0;
    }

    /**
     * random: version-4 UUIDs (as every run had before issue 17's fourth session); ordered: the build's
     * {@code io.octoflow.history.ExecutionIds.next()} (time-ordered version-7 UUIDs), by reflection.
     */
    private static final String IDS = System.getProperty("bench.ids", "random");
    private static final java.lang.reflect.Method ORDERED_IDS = IDS.equals("ordered") ? orderedIds() : null;

    private static java.lang.reflect.Method orderedIds() {
        try {
            return Class.forName("io.octoflow.history.ExecutionIds").getMethod("next");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this build has no io.octoflow.history.ExecutionIds", e);
        }
    }

    private static String nextId() {
        if (ORDERED_IDS == null) {
            return UUID.randomUUID().toString();
        }
        try {
            return (String) ORDERED_IDS.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * small: a 45-byte summary as the final data; file: the input and final data of the five-step file flow of
     * service-launch (20 tickets read, the urgent ones, the report and the summary: about 3 KB, above H2's 256-byte
     * in-place LOB limit).
     */
    private static final String DATA_KIND = System.getProperty("bench.data", "small");
    private static final String INPUT = DATA_KIND.equals("file") ? "{\"source\": \"bench\"}"
            : DATA_KIND.equals("batch") ? batchInput() : "{}";
    private static final String DATA = DATA_KIND.equals("file") ? fileFlowData()
            : DATA_KIND.equals("batch") ? batchData()
            : "{\"summary\": {\"count\": 6, \"report\": \"Report\"}}";

    /**
     * batch: a kafka batch run of 1,000 records (issue 15's consumer): its input, and its data holding the input
     * again, the records' positions and a step's count; with {@code -Dbench.input=once} the data is handed over
     * without its __input__ (io.octoflow.history.ExecutionData.withoutInput, by reflection), as the recorder of
     * this build does.
     */
    private static String batchInput() {
        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            records.append(i > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"amount\": %d.5, \"source\": \"sensor-%d\", \"at\": \"2026-12-01T14:40:%02d.%03dZ\"}", i % 10,
                    i % 17, i % 60, i));
        }
        return records.append("]").toString();
    }

    private static String batchData() {
        StringBuilder positions = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            positions.append(i > 0 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"partition\": %d, \"offset\": %d, \"key\": null, \"timestamp\": \"2026-12-01T14:40:00Z\"}",
                    i % 4, 100000 + i));
        }
        String rest = "\"__trigger__\": {\"topic\": \"events\", \"records\": " + positions + "]}, \"insert\": {\"rows\": 512}}";
        if (System.getProperty("bench.input", "twice").equals("once")) {
            try {
                return (String) Class.forName("io.octoflow.history.ExecutionData").getMethod("withoutInput", String.class)
                        .invoke(null, "{" + rest);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this build has no io.octoflow.history.ExecutionData", e);
            }
        }
        return "{\"__input__\": " + batchInput() + ", " + rest;
    }

    private static String fileFlowData() {
        StringBuilder tickets = new StringBuilder();
        StringBuilder urgent = new StringBuilder();
        StringBuilder report = new StringBuilder("Report 2026-12-01T14:40:00Z\\n");
        for (int i = 1; i <= 20; i++) {
            String ticket = String.format(Locale.ROOT,
                    "{\"id\": \"T-%d\", \"title\": \"Ticket %d\", \"priority\": \"%s\", \"owner\": \"user%d\"}",
                    i, i, i % 3 == 0 ? "high" : "low", i % 4);
            tickets.append(i > 1 ? "," : "").append(ticket);
            if (i % 3 == 0) {
                urgent.append(urgent.isEmpty() ? "" : ",").append(ticket);
                report.append("- T-").append(i).append(": Ticket ").append(i).append(" (user").append(i % 4)
                        .append(")\\n");
            }
        }
        return "{\"read\": {\"result\": [" + tickets + "]}, \"urgent\": {\"data\": [" + urgent + "]}, \"report\": \""
                + report + "\", \"summary\": {\"count\": 6, \"report\": \"" + report + "\"}, \"write\": {\"path\":"
                + " \"out/report.json\"}}";
    }

    /** One run as the launcher records it: running row (durable), then its end and five steps. */
    private static void recordOne(JdbcExecutionRepository store) {
        String id = nextId();
        Instant start = Instant.now();
        if (MODE.equals("record") || MODE.equals("quiet")) {
            List<StepRecord> steps = new ArrayList<>();
            for (String step : new String[] {"read", "urgent", "report", "summary", "write"}) {
                steps.add(new StepRecord(step, "success", start, 40, null));
            }
            Execution run = new Execution(id, "file flow", "file_flow.yml", "api", null, start, Instant.now(),
                    "success", null, INPUT, DATA, steps);
            if (MODE.equals("quiet")) {
                recordDurably(store, run);
            } else {
                store.record(run);
            }
            return;
        }
        store.started(new Execution(id, "file flow", "file_flow.yml", "api", null, start, null, "running", null,
                INPUT, null, List.of()), null);
        List<StepRecord> steps = new ArrayList<>();
        for (String step : new String[] {"read", "urgent", "report", "summary", "write"}) {
            steps.add(new StepRecord(step, "success", start, 40, null));
        }
        store.finished(id, "success", Instant.now(), null, DATA, steps);
    }
}
