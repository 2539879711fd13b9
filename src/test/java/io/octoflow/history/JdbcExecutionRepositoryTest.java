package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.DatabaseUrls;

/** The execution history on its default database: embedded H2 in a file, as the service runs it. */
class JdbcExecutionRepositoryTest extends ExecutionRepositoryContract {

    @TempDir
    Path dataPath;

    @Override
    String url() {
        return DatabaseUrls.h2(dataPath);
    }

    @Test
    void theDefaultDatabaseIsOneFileInTheDataPath() {
        try (Database db = Database.open(url(), "", null)) {
            assertThat(db.ping()).isTrue();
        }
        assertThat(url()).isEqualTo("jdbc:h2:file:" + dataPath.toAbsolutePath() + "/octoflow");
        assertThat(Files.exists(dataPath.resolve("octoflow.mv.db"))).isTrue();
    }

    /**
     * A real {@code kill -9}: another JVM records a started run and is killed 100 ms later, without closing the
     * store. With H2's default write delay (500 ms) the row is usually lost; with the store's (10 ms) it is on
     * disk, and the next start marks it aborted.
     */
    @Test
    void aRunStartedByAProcessKilledWithSigkillIsMarkedAbortedAtTheNextStart() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartThenHang.class.getName(), url())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("started");
            Thread.sleep(100);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        ExecutionRepository store = open();
        assertThat(store.find("killed").orElseThrow().status()).isEqualTo("running");
        assertThat(store.markRunningAborted("the service was killed")).isEqualTo(1);
        assertThat(store.find("killed").orElseThrow().status()).isEqualTo("aborted");
    }

    /** The killed process of the test above. */
    static final class StartThenHang {
        public static void main(String[] args) throws Exception {
            ExecutionRepository store = new JdbcExecutionRepository(Database.open(args[0], "", ""));
            store.started(Execution.running("killed", "slow", null, "api", null, Instant.now(), "{}"));
            System.out.println("started");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    /**
     * Issue 17: a run recorded whole at its end and synced (as for a caller that waits for the end) survives a real
     * {@code kill -9} right after: eight writers in another JVM print each id once {@code sync()} returned, and the
     * JVM is killed without any pause after the 200th line; every printed run is found, whole, with its steps.
     */
    @Test
    void everyRunSyncedBeforeAKillNineIsFoundWholeAfterIt() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RecordSyncThenDie.class.getName(), url())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        java.util.List<String> synced = new java.util.ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && synced.size() < 200; line = out.readLine()) {
                synced.add(line);
            }
            child.destroyForcibly(); // while the writers go on
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(synced).hasSize(200);
        ExecutionRepository store = open();
        for (String id : synced) {
            Execution run = store.find(id).orElseThrow(() -> new AssertionError(id + " synced, then lost"));
            assertThat(run.status()).isEqualTo("success");
            assertThat(run.steps()).hasSize(5);
        }
    }

    /** The killed process of the test above: eight writers recording whole runs, each synced before it is told. */
    static final class RecordSyncThenDie {
        public static void main(String[] args) throws Exception {
            ExecutionRepository store = new JdbcExecutionRepository(Database.open(args[0], "", ""));
            for (int w = 0; w < 8; w++) {
                int writer = w;
                new Thread(() -> {
                    for (int i = 0; ; i++) {
                        String id = "w" + writer + "-" + i;
                        Instant now = Instant.now();
                        store.record(new Execution(id, "fast", "fast.yml", "api", null, now, now, "success", null,
                                "{}", "{}", steps(id, 5, now)));
                        store.sync();
                        synchronized (System.out) {
                            System.out.println(id);
                            System.out.flush();
                        }
                    }
                }).start();
            }
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    /**
     * Issue 17, the history writer's contract under a real {@code kill -9}: with H2's write delay set to ten minutes
     * (so that only the writer's own flush can have put a row in the file), every launch acknowledged at admission
     * ({@code started} returned) and every end its caller was told ({@code finishedDurably} / {@code recordDurably}
     * returned) is found after the kill: the admitted ones at least running, the told ones whole with their steps.
     */
    @Test
    void everyAdmittedStartAndEveryToldEndWrittenInBatchesSurviveAKillNine() throws Exception {
        everyAdmittedStartAndToldEndSurvivesAKillNine(8, 600);
    }

    /**
     * Issue 17, fourth session: a lone caller writes its own batch (flat combining, no writer thread); what it was
     * told is in the file after a {@code kill -9} all the same.
     */
    @Test
    void aLoneCallerWritingItsOwnBatchesLosesNothingToAKillNine() throws Exception {
        everyAdmittedStartAndToldEndSurvivesAKillNine(1, 150);
    }

    /** A lone caller's writes are written on its own thread: the writer thread is never started for them. */
    @Test
    void aLoneCallerWritesWithoutTheWriterThread() {
        ExecutionRepository store = open();
        // an earlier test's writer thread, or the one of this store's first housekeeping (its writes met those of
        // another thread), stops after a second without writes
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> Thread
                .getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("octoflow-history-writer")));
        for (int i = 0; i < 20; i++) {
            Instant now = Instant.now();
            store.started(Execution.running("lone-" + i, "lone", "lone.yml", "api", null, now, "{}"));
            store.finishedDurably("lone-" + i, "success", Instant.now(), null, "{}", steps("lone-" + i, 3, now));
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain("octoflow-history-writer");
        assertThat(store.find("lone-19").orElseThrow().steps()).hasSize(3);
    }

    /**
     * A caller whose interrupt flag is set does not write its own batch (an interrupt during H2's FileChannel write
     * would close the database file): the writer thread writes it, the caller learns it is written, and keeps its
     * interrupt. The database goes on taking writes.
     */
    @Test
    void anInterruptedCallerIsWrittenByTheWriterThreadAndKeepsItsInterrupt() throws Exception {
        ExecutionRepository store = open();
        Instant now = Instant.now();
        Thread.currentThread().interrupt();
        try {
            store.recordDurably(new Execution("interrupted", "f", "f.yml", "api", null, now, now, "success", null,
                    "{}", "{}", steps("interrupted", 2, now)));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        store.recordDurably(new Execution("after", "f", "f.yml", "api", null, now, now, "success", null, "{}", "{}",
                steps("after", 2, now)));
        assertThat(store.find("interrupted").orElseThrow().steps()).hasSize(2);
        assertThat(store.find("after").orElseThrow().status()).isEqualTo("success");
    }

    private void everyAdmittedStartAndToldEndSurvivesAKillNine(int writers, int lines) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WriteBehindThenDie.class.getName(),
                url() + ";WRITE_DELAY=600000", String.valueOf(writers))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        java.util.List<String> told = new java.util.ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && told.size() < lines; line = out.readLine()) {
                told.add(line);
            }
            child.destroyForcibly(); // while the writers go on
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(told).hasSize(lines);
        ExecutionRepository store = open();
        for (String line : told) {
            String id = line.substring(2);
            Execution run = store.find(id).orElseThrow(() -> new AssertionError(line + " told, then lost"));
            if (line.startsWith("S ")) {
                assertThat(run.status()).isIn("running", "success");
            } else {
                assertThat(run.status()).as(line).isEqualTo("success");
                assertThat(run.steps()).as(line).hasSize(5);
            }
        }
    }

    /**
     * The killed process of the tests above: {@code args[1]} writers; admitted runs ended later, and runs recorded
     * whole at their end (a lone writer does both, one after the other).
     */
    static final class WriteBehindThenDie {
        public static void main(String[] args) throws Exception {
            ExecutionRepository store = new JdbcExecutionRepository(Database.open(args[0], "", ""));
            for (int w = 0; w < Integer.parseInt(args[1]); w++) {
                int writer = w;
                new Thread(() -> {
                    for (int i = 0; ; i++) {
                        String id = "w" + writer + "-" + i;
                        Instant now = Instant.now();
                        if (writer % 2 == 0 && i % 2 == 0) {
                            store.started(Execution.running(id, "slow", "slow.yml", "api", null, now, "{}"));
                            say("S " + id);
                            store.finishedDurably(id, "success", Instant.now(), null, "{}", steps(id, 5, now));
                        } else {
                            store.recordDurably(new Execution(id, "fast", "fast.yml", "api", null, now, now,
                                    "success", null, "{}", "{}", steps(id, 5, now)));
                        }
                        say("E " + id);
                    }
                }).start();
            }
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }

        private static void say(String line) {
            synchronized (System.out) {
                System.out.println(line);
                System.out.flush();
            }
        }
    }

    @Test
    void embeddedH2IsClosedByCloseNotByItsShutdownHook() {
        assertThat(DatabaseUrls.withEmbeddedH2Defaults("jdbc:h2:file:/d/octoflow"))
                .isEqualTo("jdbc:h2:file:/d/octoflow;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=10");
        assertThat(DatabaseUrls.withEmbeddedH2Defaults("jdbc:h2:file:/d/octoflow;db_close_on_exit=true;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:/d/octoflow;db_close_on_exit=true;WRITE_DELAY=0");
        assertThat(DatabaseUrls.withEmbeddedH2Defaults("jdbc:h2:mem:t"))
                .isEqualTo("jdbc:h2:mem:t;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(DatabaseUrls.withEmbeddedH2Defaults("jdbc:h2:tcp://host/octoflow"))
                .isEqualTo("jdbc:h2:tcp://host/octoflow");
        assertThat(DatabaseUrls.withEmbeddedH2Defaults("jdbc:postgresql://db/octoflow"))
                .isEqualTo("jdbc:postgresql://db/octoflow");
    }

    @Test
    void passwordsInTheUrlAreNotLogged() {
        assertThat(DatabaseUrls.redact("jdbc:postgresql://db/octoflow?user=o&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/octoflow?user=o&password=***&ssl=true");
    }

    @Test
    void anUnreachableDatabaseFailsToOpenWithAMessage() {
        assertThatThrownBy(() -> Database.open("jdbc:nosuchdb://nowhere", "", ""))
                .isInstanceOf(DatabaseException.class)
                .hasMessageContaining("jdbc:nosuchdb://nowhere");
        assertThatThrownBy(() -> new JdbcExecutionRepository(database(), 10, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 64");
        assertThatThrownBy(() -> new JdbcExecutionRepository(database(), 1000, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
