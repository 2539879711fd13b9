import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseUrls;
import io.octoflow.execution.StepRecord;
import io.octoflow.history.Execution;
import io.octoflow.history.JdbcExecutionRepository;

/**
 * Issue 18 #13: the size of the embedded H2 history file ({@code octoflow.mv.db}) after N small runs (each recorded
 * as the service does: a {@code running} row, then its end with three steps and a small data JSON), after deleting
 * them the way the code before the fix did (plain DELETE, no compaction); then on a second database, after a
 * compaction that deletes nothing (what the hourly purge does when no run is old enough) and after the purge of
 * {@link JdbcExecutionRepository#delete(Integer, String)}, which now compacts the file; all without a restart.
 * Usage: bench/run.sh history-compaction [runs, default 5000]
 */
public final class HistoryCompactionBench {

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, HistoryCompactionBench::run);
    }

    private static void run(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        Path dir = Files.createTempDirectory("octoflow-h2-bench");
        try {
            // before the fix: the rows are deleted, the file keeps its size
            Path plain = Files.createDirectories(dir.resolve("plain"));
            try (Database db = Database.open(DatabaseUrls.h2(plain), "", null)) {
                JdbcExecutionRepository store = new JdbcExecutionRepository(db);
                record(store, runs);
                report("plain", runs, "after " + runs + " runs", plain);
                System.out.println("       " + fill(db));
                db.inTransaction("delete", c -> c.createStatement().executeUpdate("DELETE FROM executions"));
                Thread.sleep(1_000); // H2 writes in the background
                report("plain", runs, "after DELETE, no compaction", plain);
                System.out.println("       " + fill(db));
            }
            // with the fix: the purge compacts
            Path purged = Files.createDirectories(dir.resolve("purged"));
            try (Database db = Database.open(DatabaseUrls.h2(purged), "", null)) {
                JdbcExecutionRepository store = new JdbcExecutionRepository(db);
                record(store, runs);
                report("purge", runs, "after " + runs + " runs", purged);
                System.out.println("       " + fill(db));
                long compactStart = System.nanoTime();
                db.compact(java.time.Duration.ofSeconds(5));
                report("purge", runs, "after compaction alone, every row kept ("
                        + (System.nanoTime() - compactStart) / 1_000_000 + " ms)", purged);
                System.out.println("       " + fill(db));
                long start = System.nanoTime();
                int deleted = store.delete(0, null);
                long millis = (System.nanoTime() - start) / 1_000_000;
                report("purge", runs, "after the purge of " + deleted + " runs (" + millis + " ms, compaction"
                        + " included)", purged);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void record(JdbcExecutionRepository store, int runs) {
        String data = "{\"greeting\": \"hello world\", \"count\": 3, \"items\": [1, 2, 3]}";
        for (int i = 0; i < runs; i++) {
            String id = UUID.randomUUID().toString();
            Instant start = Instant.now();
            store.started(Execution.running(id, "bench", "bench.yml", "api", null, start, null));
            List<StepRecord> steps = List.of(new StepRecord("a", "success", start, 120, null),
                    new StepRecord("b", "success", start, 80, null), new StepRecord("c", "success", start, 40, null));
            store.finished(id, "success", Instant.now(), null, data, steps);
        }
    }

    /** H2's own figures: how much of the file holds live pages, and of the chunks. */
    private static String fill(Database db) {
        return db.inTransaction("read settings", c -> {
            StringBuilder out = new StringBuilder();
            try (var rs = c.createStatement().executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM"
                    + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN ('info.FILL_RATE', 'info.CHUNKS_FILL_RATE',"
                    + " 'info.CHUNK_COUNT', 'info.PAGE_SIZE', 'RETENTION_TIME', 'WRITE_DELAY')")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('=').append(rs.getString(2)).append(' ');
                }
            }
            return out.toString().trim();
        });
    }

    private static void report(String scenario, int runs, String when, Path dir) throws Exception {
        long bytes = Files.size(dir.resolve("octoflow.mv.db"));
        System.out.printf(Locale.ROOT, "%-6s %-58s %,12d bytes  (%,.1f KB per run)%n", scenario, when, bytes,
                bytes / 1024.0 / runs);
    }
}
