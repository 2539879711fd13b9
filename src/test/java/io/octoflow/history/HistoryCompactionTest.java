package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseUrls;
import io.octoflow.execution.StepRecord;

/**
 * Issue 18 #13: the embedded H2 file ({@code DATA_PATH/octoflow.mv.db}) gives its space back after a purge while
 * the service runs, not after two restarts; a purge that deletes nothing still compacts what later commits
 * replaced, and keeps every row.
 */
class HistoryCompactionTest {

    /** How large the file grows before the purge: how many runs that takes depends on how fast they come. */
    private static final long GROWN = 4L << 20;

    @TempDir
    Path dataPath;

    private Path file() {
        return dataPath.resolve("octoflow.mv.db");
    }

    /** Records runs, 500 at a time, until the file has grown to {@link #GROWN}; returns how many. */
    private int recordUntilGrown(JdbcExecutionRepository store) throws Exception {
        int runs = 0;
        while (Files.size(file()) < GROWN && runs < 50_000) {
            record(store, runs, 500);
            runs += 500;
        }
        assertThat(Files.size(file())).as("file size after %d runs", runs).isGreaterThanOrEqualTo(GROWN);
        return runs;
    }

    private static void record(JdbcExecutionRepository store, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String id = "run-" + i;
            Instant start = Instant.now();
            store.started(Execution.running(id, "small", "small.yml", "api", null, start, "{\"n\": " + i + "}"));
            store.finished(id, "success", Instant.now(), null, "{\"greeting\": \"hello\", \"n\": " + i + "}",
                    List.of(new StepRecord("a", "success", start, 10, null),
                            new StepRecord("b", "success", start, 20, null)));
        }
    }

    @Test
    void aPurgeShrinksTheFileWithoutARestart() throws Exception {
        try (Database db = Database.open(DatabaseUrls.h2(dataPath), "", null)) {
            JdbcExecutionRepository store = new JdbcExecutionRepository(db);
            int runs = recordUntilGrown(store);
            long before = Files.size(file());

            assertThat(store.delete(0, null)).isEqualTo(runs);

            long after = Files.size(file());
            assertThat(after).as("file size after the purge (before: %d)", before).isLessThan(before / 4);
            // the database is still whole and usable
            record(store, runs, 3);
            assertThat(store.find("run-" + (runs + 2))).get().satisfies(e -> assertThat(e.steps()).hasSize(2));
        }
    }

    @Test
    void aPurgeThatDeletesNothingCompactsAndKeepsEveryRow() throws Exception {
        try (Database db = Database.open(DatabaseUrls.h2(dataPath), "", null)) {
            JdbcExecutionRepository store = new JdbcExecutionRepository(db);
            int runs = recordUntilGrown(store);
            long before = Files.size(file());

            assertThat(store.purgeOlderThan(30)).isZero();

            assertThat(Files.size(file())).as("file size after compaction (before: %d)", before)
                    .isLessThan(before / 2);
            assertThat(store.count(ExecutionQuery.latest(10))).isEqualTo(runs);
            assertThat(store.find("run-" + (runs - 1))).get().satisfies(e -> {
                assertThat(e.data()).contains("\"n\": " + (runs - 1));
                assertThat(e.steps()).extracting(StepRecord::step).containsExactly("a", "b");
            });
        }
    }
}
