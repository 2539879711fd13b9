package io.octoflow.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.SqlTimes;
import io.octoflow.execution.StepRecord;

/**
 * What the execution history must do on every database; run on embedded H2 by {@link JdbcExecutionRepositoryTest}
 * and on PostgreSQL by {@link JdbcExecutionRepositoryPostgresTest}.
 */
abstract class ExecutionRepositoryContract {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<Database> opened = new ArrayList<>();

    /** The JDBC URL of a database that is empty when each test starts. */
    abstract String url();

    String user() {
        return "";
    }

    String password() {
        return "";
    }

    /** The history on a database opened for this test (closed after it). */
    JdbcExecutionRepository open() {
        return new JdbcExecutionRepository(database());
    }

    /** The database, opened (and migrated) for this test and closed after it. */
    Database database() {
        return track(Database.open(url(), user(), password()));
    }

    Database track(Database database) {
        opened.add(database);
        return database;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Database::close);
    }

    Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    long countRows(String sql) throws SQLException {
        try (Connection c = rawConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static Execution running(String id, String flow, Instant started) {
        return Execution.running(id, flow, "routes/" + flow + ".yml", "api", null, started, "{\"n\":1}");
    }

    static Execution ended(String id, String flow, String status, Instant started, Instant ended) {
        return new Execution(id, flow, "routes/" + flow + ".yml", "cli", null, started, ended, status,
                status.equals("failed") ? "boom" : null, null, "{\"ok\":true}", List.of());
    }

    static List<StepRecord> steps(String id, int n, Instant start) {
        List<StepRecord> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // names deliberately not in alphabetical order: order must come from the run, not the name
            steps.add(new StepRecord("step " + (n - i) + " of " + id, i == n - 1 ? "failed" : "success",
                    start.plusMillis(i * 10L), 1_000L + i, i == n - 1 ? "last step failed" : null));
        }
        return steps;
    }

    // --- schema ---

    @Test
    void migrationsApplyOnAnEmptyDatabaseAndReopeningAppliesNothing() throws Exception {
        try (Database db = Database.open(url(), user(), password())) {
            new JdbcExecutionRepository(db).started(running("r1", "hello", at(0)));
        }
        String applied = "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"type\" = 'SQL'";
        assertThat(countRows(applied + " AND \"version\" = '1' AND \"success\" = TRUE")).isEqualTo(1);
        long migrations = countRows(applied);

        try (Database db = Database.open(url(), user(), password())) {
            assertThat(new JdbcExecutionRepository(db).find("r1")).isPresent();
        }
        try (Database db = Database.open(url(), user(), password())) {
            assertThat(db.ping()).isTrue();
        }
        assertThat(countRows(applied)).as("reopening applies nothing").isEqualTo(migrations);
        assertThat(countRows("SELECT COUNT(*) FROM executions")).isEqualTo(1);
    }

    // --- started / finished / record / find ---

    /** Issue 17: writers syncing at once share flushes (group commit); each one's run is there, whole, after it. */
    @Test
    void runsRecordedWholeBySeveralWritersAtOnceAreAllThereWithTheirStepsAfterSync() throws Exception {
        ExecutionRepository store = open();
        java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String id = "w" + writer + "-" + i;
                        store.record(new Execution(id, "hello", "routes/hello.yml", "api", null, at(i), at(i + 1),
                                "success", null, "{}", "{\"ok\":true}", steps(id, 5, at(i))));
                        store.sync();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdown();
        }
        assertThat(countRows("SELECT COUNT(*) FROM executions")).isEqualTo(200);
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(1000);
        Execution one = store.find("w7-24").orElseThrow();
        assertThat(one.status()).isEqualTo("success");
        assertThat(one.steps()).extracting(StepRecord::step).containsExactlyElementsOf(
                steps("w7-24", 5, at(24)).stream().map(StepRecord::step).toList());
    }

    @Test
    void aStartedRunIsRunningUntilItFinishesWithItsStepsInOrder() {
        ExecutionRepository store = open();
        Execution start = Execution.running("run-1", "orders", "routes/orders.yml", "schedule", at(-1), at(0),
                "{\"customer\":\"ACME\"}");
        store.started(start);

        Execution running = store.find("run-1").orElseThrow();
        assertThat(running.status()).isEqualTo("running");
        assertThat(running.ended()).isFalse();
        assertThat(running.endedAt()).isNull();
        assertThat(running.flowName()).isEqualTo("orders");
        assertThat(running.flowPath()).isEqualTo("routes/orders.yml");
        assertThat(running.trigger()).isEqualTo("schedule");
        assertThat(running.scheduledAt()).isEqualTo(at(-1));
        assertThat(running.startedAt()).isEqualTo(at(0));
        assertThat(running.input()).isEqualTo("{\"customer\":\"ACME\"}");
        assertThat(running.data()).isNull();
        assertThat(running.steps()).isEmpty();

        List<StepRecord> steps = steps("run-1", 5, at(0));
        assertThat(store.finished("run-1", "failed", at(3), "last step failed", "{\"total\":42}", steps)).isTrue();

        Execution done = store.find("run-1").orElseThrow();
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.endedAt()).isEqualTo(at(3));
        assertThat(done.error()).isEqualTo("last step failed");
        assertThat(done.data()).isEqualTo("{\"total\":42}");
        assertThat(done.input()).isEqualTo("{\"customer\":\"ACME\"}");
        assertThat(done.steps()).containsExactlyElementsOf(steps);
    }

    @Test
    void theFirstEndRecordedWinsAndStepsAreNotDuplicated() throws Exception {
        ExecutionRepository store = open();
        store.started(running("run-1", "orders", at(0)));
        assertThat(store.finished("run-1", "aborted", at(30), "service stopping", null, steps("run-1", 2, at(0))))
                .isTrue();

        assertThat(store.finished("run-1", "success", at(31), null, "{}", steps("run-1", 3, at(0)))).isFalse();

        Execution e = store.find("run-1").orElseThrow();
        assertThat(e.status()).isEqualTo("aborted");
        assertThat(e.error()).isEqualTo("service stopping");
        assertThat(e.steps()).hasSize(2);
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(2);
    }

    @Test
    void finishingAnUnknownRunRecordsNothing() {
        ExecutionRepository store = open();
        assertThat(store.finished("nobody", "success", at(1), null, null, steps("nobody", 1, at(0)))).isFalse();
        assertThat(store.find("nobody")).isEmpty();
    }

    @Test
    void aSkippedFireIsRecordedWhole() {
        ExecutionRepository store = open();
        store.record(Execution.skipped("fire-1", "nightly", "routes/nightly.yml", at(0), at(0).plusMillis(2),
                "flow nightly is locked by run r0"));

        Execution e = store.find("fire-1").orElseThrow();
        assertThat(e.status()).isEqualTo("skipped");
        assertThat(e.trigger()).isEqualTo("schedule");
        assertThat(e.scheduledAt()).isEqualTo(at(0));
        assertThat(e.startedAt()).isEqualTo(at(0).plusMillis(2));
        assertThat(e.endedAt()).isEqualTo(e.startedAt());
        assertThat(e.error()).isEqualTo("flow nightly is locked by run r0");
        assertThat(e.steps()).isEmpty();
        assertThat(store.list(new ExecutionQuery(null, "skipped", null, null, 10, 0)))
                .extracting(Execution::id).containsExactly("fire-1");
    }

    @Test
    void aWholeRunIsRecordedWithItsStepsInOneGo() {
        ExecutionRepository store = open();
        List<StepRecord> steps = steps("run-9", 4, at(0));
        Execution run = new Execution("run-9", "report", "routes/report.yml", "jmx", null, at(0), null, "SUCCESS",
                null, "{\"a\":[1,2]}", "{\"b\":\"é\"}", steps);
        store.record(run);

        Execution e = store.find("run-9").orElseThrow();
        assertThat(e.status()).as("statuses are stored lowercase").isEqualTo("success");
        assertThat(e.endedAt()).as("an ended run without an end gets its start").isEqualTo(at(0));
        assertThat(e.input()).isEqualTo("{\"a\":[1,2]}");
        assertThat(e.data()).isEqualTo("{\"b\":\"é\"}");
        assertThat(e.steps()).containsExactlyElementsOf(steps);
    }

    @Test
    void eachAttemptOfARetriedStepIsARowWithItsNumber() {
        ExecutionRepository store = open();
        store.started(running("retry-1", "flaky", at(0)));
        List<StepRecord> steps = List.of(
                new StepRecord("call", "retried", at(0), 1_000, "HTTP status 503 Service Unavailable", 1),
                new StepRecord("call", "retried", at(1), 1_100, "HTTP status 503 Service Unavailable", 2),
                new StepRecord("call", "success", at(3), 900, null, 3),
                new StepRecord("next", "success", at(4), 10, null));
        assertThat(store.finished("retry-1", "success", at(5), null, "{}", steps)).isTrue();

        List<StepRecord> read = store.find("retry-1").orElseThrow().steps();
        assertThat(read).containsExactlyElementsOf(steps);
        assertThat(read).extracting(StepRecord::attempt).containsExactly(1, 2, 3, 1);
    }

    /** V10 adds execution_steps.attempt: the rows of a database at version 9 become first attempts. */
    @Test
    void stepRowsWrittenBeforeVersion10AreFirstAttempts() throws Exception {
        String[] locations = url().startsWith("jdbc:postgresql:")
                ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                : new String[] {"classpath:db/migration"};
        org.flywaydb.core.Flyway.configure(Database.class.getClassLoader()).dataSource(url(), user(), password())
                .locations(locations).target("9").load().migrate();
        try (Connection c = rawConnection();
                var run = c.prepareStatement("INSERT INTO executions (id, flow_name, flow_path, trigger_type,"
                        + " started_at, ended_at, status) VALUES ('old', 'old', 'routes/old.yml', 'api', ?, ?,"
                        + " 'success')");
                var step = c.prepareStatement("INSERT INTO execution_steps (execution_id, seq, step, status,"
                        + " started_at, duration_micros) VALUES ('old', 0, 'a', 'success', ?, 5)")) {
            run.setObject(1, at(0).atOffset(java.time.ZoneOffset.UTC));
            run.setObject(2, at(1).atOffset(java.time.ZoneOffset.UTC));
            run.executeUpdate();
            step.setObject(1, at(0).atOffset(java.time.ZoneOffset.UTC));
            step.executeUpdate();
        }
        assertThatThrownBy(() -> countRows("SELECT COUNT(attempt) FROM execution_steps"))
                .as("no attempt column before V10").isInstanceOf(SQLException.class);

        ExecutionRepository store = open(); // migrates to the latest version
        assertThat(countRows("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '10'"
                + " AND \"success\" = TRUE")).isEqualTo(1);
        assertThat(store.find("old").orElseThrow().steps()).singleElement()
                .satisfies(old -> assertThat(old.attempt()).isEqualTo(1));
    }

    @Test
    void aDuplicateIdIsRefusedAndLeavesNoHalfRecord() {
        ExecutionRepository store = open();
        store.record(ended("dup", "a", "success", at(0), at(1)));
        Execution again = new Execution("dup", "a", null, "cli", null, at(5), at(6), "failed", null, null, null,
                steps("dup", 2, at(5)));
        assertThatThrownBy(() -> store.record(again)).isInstanceOf(DatabaseException.class);
        assertThat(store.find("dup").orElseThrow().steps()).isEmpty();
        assertThat(store.find("dup").orElseThrow().status()).isEqualTo("success");
    }

    @Test
    void aQueuedLaunchIsKeptWithItsTimeoutInOrderUntilItStartsOrEnds() throws Exception {
        ExecutionRepository store = open();
        for (int i = 0; i < 4; i++) {
            // admitted in the order 0, 1, 2, 3; written in another order
            int n = (i * 3) % 4;
            store.queued(new Execution("q" + n, "orders", "routes/orders.yml", "api", null, at(n), null, "queued",
                    null, "{\"n\":" + n + "}", null, List.of()), n == 2 ? null : Duration.ofSeconds(60 + n));
        }
        store.started(running("r1", "orders", at(10)));

        assertThat(store.queuedLaunches()).extracting(q -> q.execution().id()).containsExactly("q0", "q1", "q2", "q3");
        QueuedLaunch first = store.queuedLaunches().get(0);
        assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(first.execution().input()).isEqualTo("{\"n\":0}");
        assertThat(first.execution().ended()).isFalse();
        assertThat(store.queuedLaunches().get(2).timeout()).isNull();
        assertThat(store.list(new ExecutionQuery(null, "queued", null, null, 10, 0))).hasSize(4);
        assertThat(store.delete("q1")).as("a queued launch is not deleted").isFalse();
        assertThat(store.delete(0, null)).as("nor by a purge").isZero();

        assertThat(store.dequeued("q0", at(20))).isTrue();
        assertThat(store.dequeued("q0", at(21))).as("only a queued row starts").isFalse();
        assertThat(store.find("q0").orElseThrow().status()).isEqualTo("running");
        assertThat(store.find("q0").orElseThrow().startedAt()).isEqualTo(at(20));
        assertThat(store.finished("q0", "success", at(22), null, "{}", List.of())).isTrue();

        assertThat(store.endQueued("q1", "skipped", "queue timeout")).isTrue();
        assertThat(store.endQueued("q2", "aborted", "aborted while queued")).isTrue();
        assertThat(store.endQueued("q2", "aborted", "twice")).isFalse();
        assertThatThrownBy(() -> store.endQueued("q3", "success", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find("q1").orElseThrow().status()).isEqualTo("skipped");
        assertThat(store.find("q2").orElseThrow().error()).isEqualTo("aborted while queued");
        assertThat(store.find("q2").orElseThrow().endedAt()).isNotNull();
        assertThat(store.queuedLaunches()).extracting(q -> q.execution().id()).containsExactly("q3");
        assertThat(store.markRunningAborted("stopped")).as("queued rows stay queued at a restart").isEqualTo(1);
        assertThat(store.find("q3").orElseThrow().status()).isEqualTo("queued");
    }

    @Test
    void rowsNameTheirReplicaAndADeadReplicasRowsAreTakenOverOnceWithoutTouchingTheOthers() throws Exception {
        ExecutionRepository store = open();
        store.started(running("a-run", "orders", at(0)), "replica-a");
        store.started(running("b-run", "orders", at(1)), "replica-b");
        store.started(running("single", "orders", at(2)));
        for (int i = 0; i < 20; i++) {
            store.queued(new Execution("a-q" + i, "orders", "routes/orders.yml", "api", null, at(10 + i), null,
                    "queued", null, "{\"n\":" + i + "}", null, List.of()), Duration.ofSeconds(60), "replica-a");
        }
        store.queued(new Execution("b-q", "orders", "routes/orders.yml", "api", null, at(5), null, "queued", null,
                null, null, List.of()), null, "replica-b");
        store.record(ended("a-done", "orders", "success", at(3), at(4)));

        assertThat(store.replicasWithUnfinishedRuns()).containsExactlyInAnyOrder("replica-a", "replica-b");

        assertThat(store.markRunningAborted("replica-a", "replica replica-a stopped answering")).isEqualTo(1);
        assertThat(store.find("a-run").orElseThrow().status()).isEqualTo("aborted");
        assertThat(store.find("a-run").orElseThrow().error()).isEqualTo("replica replica-a stopped answering");
        assertThat(store.find("a-run").orElseThrow().endedAt()).isNotNull();
        assertThat(store.find("b-run").orElseThrow().status()).as("a live replica's run").isEqualTo("running");
        assertThat(store.find("single").orElseThrow().status()).isEqualTo("running");
        assertThat(store.find("a-q0").orElseThrow().status()).as("queued rows are not aborted").isEqualTo("queued");

        // two survivors take the dead replica's queued launches at once: each row goes to exactly one of them
        ExecutionRepository other = open();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<List<QueuedLaunch>> byB = pool.submit(() -> {
                go.await();
                return store.takeQueued("replica-a", "replica-b");
            });
            Future<List<QueuedLaunch>> byC = pool.submit(() -> {
                go.await();
                return other.takeQueued("replica-a", "replica-c");
            });
            go.countDown();
            List<String> b = byB.get(30, TimeUnit.SECONDS).stream().map(q -> q.execution().id()).toList();
            List<String> c = byC.get(30, TimeUnit.SECONDS).stream().map(q -> q.execution().id()).toList();
            List<String> all = new ArrayList<>(b);
            all.addAll(c);
            assertThat(all).hasSize(20).doesNotHaveDuplicates();
            assertThat(b).as("in the queue's order").isSortedAccordingTo(
                    java.util.Comparator.comparingInt(id -> Integer.parseInt(id.substring(3))));
            assertThat(c).isSortedAccordingTo(
                    java.util.Comparator.comparingInt(id -> Integer.parseInt(id.substring(3))));
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.takeQueued("replica-a", "replica-c")).as("nothing left to take").isEmpty();
        QueuedLaunch taken = store.queuedLaunches().stream().filter(q -> q.execution().id().equals("a-q0"))
                .findFirst().orElseThrow();
        assertThat(taken.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(taken.execution().input()).isEqualTo("{\"n\":0}");
        assertThat(store.replicasWithUnfinishedRuns()).as("replica-a owns nothing any more").doesNotContain(
                "replica-a");
        assertThat(store.takeQueued("replica-b", "replica-c")).extracting(q -> q.execution().id())
                .as("only queued rows move").contains("b-q").doesNotContain("b-run");
        assertThat(store.find("b-run").orElseThrow().status()).isEqualTo("running");
        assertThatThrownBy(() -> store.takeQueued("replica-c", "replica-c"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyStatusOfTheHistoryIsAcceptedAndOthersAreNot() {
        ExecutionRepository store = open();
        int i = 0;
        for (String status : List.of("queued", "running", "success", "failed", "exit", "skipped", "timeout", "aborted")) {
            store.record(ended("s" + i, "f", status, at(i), at(i + 1)));
            assertThat(store.find("s" + i).orElseThrow().status()).isEqualTo(status);
            i++;
        }
        assertThatThrownBy(() -> store.record(ended("x", "f", "done", at(0), at(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("done");
        assertThatThrownBy(() -> store.finished("s0", "running", at(2), null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionQuery(null, "nope", null, null, 10, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    // --- list ---

    /** a: 6 runs, b: 4 runs, one every second from T0, alternating statuses. */
    private ExecutionRepository seeded() {
        ExecutionRepository store = open();
        for (int i = 0; i < 10; i++) {
            String flow = i % 5 < 3 ? "a" : "b";
            String status = i % 3 == 0 ? "failed" : "success";
            Execution e = new Execution("r" + i, flow, null, "api", null, at(i), at(i).plusMillis(500), status,
                    null, "{\"i\":" + i + "}", "{\"big\":\"data\"}", steps("r" + i, 2, at(i)));
            store.record(e);
        }
        return store;
    }

    private static List<String> ids(List<Execution> rows) {
        return rows.stream().map(Execution::id).toList();
    }

    @Test
    void listIsNewestFirstWithSummaryRows() {
        ExecutionRepository store = seeded();
        List<Execution> rows = store.list(ExecutionQuery.latest(100));
        assertThat(ids(rows)).containsExactly("r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1", "r0");
        assertThat(rows).allSatisfy(e -> {
            assertThat(e.data()).isNull();
            assertThat(e.steps()).isEmpty();
            assertThat(e.endedAt()).isNotNull();
        });
        assertThat(rows.get(0).input()).isEqualTo("{\"i\":9}");
        assertThat(store.count(ExecutionQuery.latest(1))).isEqualTo(10);
    }

    @Test
    void listFiltersOnFlow() {
        ExecutionRepository store = seeded();
        assertThat(ids(store.list(new ExecutionQuery("a", null, null, null, 100, 0))))
                .containsExactly("r7", "r6", "r5", "r2", "r1", "r0");
        assertThat(ids(store.list(new ExecutionQuery("b", null, null, null, 100, 0))))
                .containsExactly("r9", "r8", "r4", "r3");
        assertThat(store.list(new ExecutionQuery("zzz", null, null, null, 100, 0))).isEmpty();
    }

    @Test
    void listFiltersOnStatus() {
        ExecutionRepository store = seeded();
        assertThat(ids(store.list(new ExecutionQuery(null, "failed", null, null, 100, 0))))
                .containsExactly("r9", "r6", "r3", "r0");
        assertThat(ids(store.list(new ExecutionQuery("a", "FAILED", null, null, 100, 0))))
                .containsExactly("r6", "r0");
        assertThat(store.count(new ExecutionQuery(null, "success", null, null, 0, 0))).isEqualTo(6);
    }

    @Test
    void listFiltersOnTheTriggerAndOnRunsThatPublishASeries() {
        ExecutionRepository store = seeded(); // every seeded run: trigger api
        store.record(new Execution("sched", "a", null, "schedule", at(30), at(30), at(31), "success", null, null,
                "{\"octoflow_series\":{\"high\":3}}", List.of()));
        assertThat(ids(store.list(ExecutionQuery.latest(100).withTrigger("SCHEDULE")))).containsExactly("sched");
        assertThat(store.list(ExecutionQuery.latest(100).withTrigger("api"))).hasSize(10);
        assertThat(store.list(ExecutionQuery.latest(100).withTrigger("jmx"))).isEmpty();
        assertThatThrownBy(() -> ExecutionQuery.latest(1).withTrigger("pigeon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown trigger 'pigeon'");

        List<Execution> publishing = store.list(ExecutionQuery.latest(100).withSeries());
        assertThat(ids(publishing)).containsExactly("sched");
        assertThat(publishing.get(0).data()).contains("\"high\":3"); // read with its data, unlike other pages
        assertThat(store.list(ExecutionQuery.latest(100)).get(0).data()).isNull();
    }

    @Test
    void listFiltersOnTheStartTimeFromInclusiveToExclusive() {
        ExecutionRepository store = seeded();
        assertThat(ids(store.list(new ExecutionQuery(null, null, at(3), at(6), 100, 0))))
                .containsExactly("r5", "r4", "r3");
        assertThat(ids(store.list(new ExecutionQuery(null, null, at(8), null, 100, 0))))
                .containsExactly("r9", "r8");
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, at(2), 100, 0))))
                .containsExactly("r1", "r0");
        assertThat(ids(store.list(new ExecutionQuery("b", "success", at(4), at(9), 100, 0))))
                .containsExactly("r8", "r4");
        assertThat(store.count(new ExecutionQuery(null, null, at(3), at(6), 1, 0))).isEqualTo(3);
    }

    @Test
    void listFiltersOnAnyOfSeveralStatusesAndOnTheEndTimeInclusive() {
        ExecutionRepository store = seeded();
        store.started(running("going", "a", at(20)));
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 100, 0, Set.of("failed", "running"),
                null, null)))).containsExactly("going", "r9", "r6", "r3", "r0");
        assertThat(store.list(new ExecutionQuery(null, null, null, null, 100, 0, Set.of(), null, null))).isEmpty();
        assertThat(store.list(new ExecutionQuery(null, null, null, null, 100, 0, Set.of("exit", "aborted"), null,
                null))).isEmpty();
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 100, 0, null, at(3).plusMillis(500),
                at(5).plusMillis(500))))).containsExactly("r5", "r4", "r3");
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 100, 0, null, at(9), null))))
                .as("a running row has no end: end filters never match it").containsExactly("r9");
        // successes ended by at(8): r7, r5, r4, r2, r1; the page skips one and takes two
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 2, 1, Set.of("success"), null,
                at(8))))).containsExactly("r5", "r4");
        assertThat(store.count(new ExecutionQuery(null, null, null, null, 1, 0, Set.of("failed", "success"), null,
                null))).isEqualTo(10);
        assertThatThrownBy(() -> new ExecutionQuery(null, null, null, null, 10, 0, Set.of("done"), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("done");
        assertThatThrownBy(() -> new ExecutionQuery(null, null, null, null, 10, 0, null, at(5), at(4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listPagesWithLimitAndOffset() {
        ExecutionRepository store = seeded();
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 3, 0)))).containsExactly("r9", "r8", "r7");
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 3, 3)))).containsExactly("r6", "r5", "r4");
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 3, 9)))).containsExactly("r0");
        assertThat(store.list(new ExecutionQuery(null, null, null, null, 3, 10))).isEmpty();
        assertThat(ids(store.list(new ExecutionQuery("a", null, null, null, 2, 2)))).containsExactly("r5", "r2");
        assertThat(new ExecutionQuery(null, null, null, null, 0, 0).limit()).isEqualTo(ExecutionQuery.DEFAULT_LIMIT);
        assertThatThrownBy(() -> new ExecutionQuery(null, null, null, null, 10, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- delete / purge / abort ---

    @Test
    void deleteRemovesEndedRunsByAgeAndStatusWithTheirSteps() throws Exception {
        ExecutionRepository store = open();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant fortyDaysAgo = now.minus(Duration.ofDays(40));
        Instant tenDaysAgo = now.minus(Duration.ofDays(10));
        store.record(withSteps(ended("old-ok", "a", "success", fortyDaysAgo, fortyDaysAgo.plusSeconds(1))));
        store.record(withSteps(ended("old-failed", "a", "failed", fortyDaysAgo, fortyDaysAgo.plusSeconds(2))));
        store.record(withSteps(ended("recent-ok", "a", "success", tenDaysAgo, tenDaysAgo.plusSeconds(1))));
        store.record(withSteps(ended("recent-failed", "b", "failed", tenDaysAgo, tenDaysAgo.plusSeconds(1))));
        store.started(running("still-running", "a", fortyDaysAgo));
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(8);

        assertThat(store.delete(30, "failed")).isEqualTo(1);
        assertThat(store.find("old-failed")).isEmpty();

        assertThat(store.delete(30, null)).isEqualTo(1);
        assertThat(store.find("old-ok")).isEmpty();
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(4);

        assertThat(store.delete(null, "failed")).isEqualTo(1);
        assertThat(store.find("recent-failed")).isEmpty();

        assertThat(store.delete(null, "running")).as("a running row is never deleted").isZero();
        assertThat(store.delete(null, null)).isEqualTo(1);
        assertThat(ids(store.list(ExecutionQuery.latest(10)))).containsExactly("still-running");
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isZero();
    }

    @Test
    void deleteEndedTakesAnyOfSeveralStatusesAndDeleteRemovesOneEndedRun() throws Exception {
        ExecutionRepository store = open();
        Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10));
        store.record(withSteps(ended("ok", "a", "success", tenDaysAgo, tenDaysAgo.plusSeconds(1))));
        store.record(withSteps(ended("no", "a", "failed", tenDaysAgo, tenDaysAgo.plusSeconds(1))));
        store.record(ended("late", "a", "timeout", tenDaysAgo, tenDaysAgo.plusSeconds(1)));
        store.record(ended("bye", "a", "exit", tenDaysAgo, tenDaysAgo.plusSeconds(1)));
        store.started(running("going", "a", tenDaysAgo));

        assertThat(store.deleteEnded(null, Set.of())).isZero();
        assertThat(store.deleteEnded(30, Set.of("failed", "timeout"))).as("not old enough").isZero();
        assertThat(store.deleteEnded(5, Set.of("failed", "timeout", "running"))).isEqualTo(2);
        assertThat(store.find("no")).isEmpty();
        assertThat(store.find("late")).isEmpty();
        assertThat(store.find("going")).as("a running row is never deleted").isPresent();

        assertThat(store.delete("ok")).isTrue();
        assertThat(store.find("ok")).isEmpty();
        assertThat(store.delete("ok")).isFalse();
        assertThat(store.delete("going")).as("a running row is never deleted").isFalse();
        assertThat(store.delete("no-such-run")).isFalse();
        assertThat(store.delete("x".repeat(100))).isFalse();
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isZero();
        assertThat(ids(store.list(ExecutionQuery.latest(10)))).containsExactlyInAnyOrder("going", "bye");
    }

    private static Execution withSteps(Execution e) {
        return new Execution(e.id(), e.flowName(), e.flowPath(), e.trigger(), e.scheduledAt(), e.startedAt(),
                e.endedAt(), e.status(), e.error(), e.input(), e.data(), steps(e.id(), 2, e.startedAt()));
    }

    @Test
    void purgeRemovesRunsEndedBeforeTheRetention() {
        ExecutionRepository store = open();
        Instant now = Instant.now();
        store.record(ended("old", "a", "success", now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(31))));
        store.record(ended("young", "a", "success", now.minus(Duration.ofDays(29)), now.minus(Duration.ofDays(29))));
        assertThat(store.purgeOlderThan(30)).isEqualTo(1);
        assertThat(ids(store.list(ExecutionQuery.latest(10)))).containsExactly("young");
        assertThatThrownBy(() -> store.delete(-1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeleteLargerThanOneChunkDeletesEverything() {
        ExecutionRepository store = open();
        Instant old = Instant.now().minus(Duration.ofDays(3));
        int n = JdbcExecutionRepository.DELETE_CHUNK + 7;
        for (int i = 0; i < n; i++) {
            store.record(ended("bulk-" + i, "bulk", "success", old, old.plusMillis(5)));
        }
        assertThat(store.delete(1, null)).isEqualTo(n);
        assertThat(store.count(ExecutionQuery.latest(1))).isZero();
    }

    @Test
    void runsLeftRunningByAKilledProcessAreMarkedAbortedAtTheNextStart() {
        Database firstDatabase = Database.open(url(), user(), password());
        ExecutionRepository first = new JdbcExecutionRepository(firstDatabase);
        first.started(running("interrupted", "orders", at(0)));
        first.record(ended("done", "orders", "success", at(1), at(2)));
        firstDatabase.close(); // the process dies: the run never finishes

        ExecutionRepository next = open();
        Instant before = Instant.now().minusSeconds(1);
        assertThat(next.markRunningAborted("the service stopped while the run was going on")).isEqualTo(1);

        Execution e = next.find("interrupted").orElseThrow();
        assertThat(e.status()).isEqualTo("aborted");
        assertThat(e.error()).isEqualTo("the service stopped while the run was going on");
        assertThat(e.endedAt()).isAfter(before);
        assertThat(next.find("done").orElseThrow().status()).isEqualTo("success");
        assertThat(next.markRunningAborted("again")).isZero();
    }

    // --- caps ---

    /**
     * Issue 18 #12: a goto loop once wrote 814,825 step rows for one run and its GET answered 500. Beyond the cap on
     * steps per run, steps are counted, not written; the run says how many were dropped and still reads whole.
     */
    @Test
    void stepsBeyondTheCapPerRunAreCountedNotWritten() throws Exception {
        JdbcExecutionRepository store = new JdbcExecutionRepository(database(),
                JdbcExecutionRepository.DEFAULT_JSON_CAP_BYTES, 50);
        assertThat(store.maxStepsPerRun()).isEqualTo(50);
        store.started(running("loop", "goto-loop", at(0)));
        List<StepRecord> steps = steps("loop", 5_000, at(0));
        assertThat(store.finished("loop", "success", at(60), null, "{}", steps)).isTrue();

        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(50);
        assertThat(countRows("SELECT steps_dropped FROM executions WHERE id = 'loop'")).isEqualTo(4_950);
        Execution e = store.find("loop").orElseThrow();
        assertThat(e.status()).isEqualTo("success");
        assertThat(e.steps()).containsExactlyElementsOf(steps.subList(0, 50));
        assertThat(e.stepsDropped()).isEqualTo(4_950);
        assertThat(store.list(ExecutionQuery.latest(1)).get(0).stepsDropped()).isEqualTo(4_950);

        store.record(new Execution("whole", "f", null, "cli", null, at(0), at(1), "failed", null, null, null,
                steps("whole", 51, at(0))));
        assertThat(store.find("whole").orElseThrow().steps()).hasSize(50);
        assertThat(store.find("whole").orElseThrow().stepsDropped()).isEqualTo(1);

        store.started(running("small", "f", at(2)));
        store.finished("small", "success", at(3), null, null, steps("small", 50, at(2)));
        assertThat(store.find("small").orElseThrow().steps()).hasSize(50);
        assertThat(store.find("small").orElseThrow().stepsDropped()).isZero();
    }

    @Test
    void theTriggerIsAKnownOneStoredAsItsLabel() {
        ExecutionRepository store = open();
        store.started(Execution.running("upper", "f", null, "JMX", null, at(0), null));
        assertThat(store.find("upper").orElseThrow().trigger()).isEqualTo("jmx");
        assertThatThrownBy(() -> store.started(Execution.running("typo", "f", null, "shedule", null, at(0), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typo")
                .hasMessageContaining("unknown trigger 'shedule'").hasMessageContaining("schedule, api");
        assertThat(store.find("typo")).isEmpty();
    }

    @Test
    void aJsonDocumentOverTheCapIsStoredAsAValidTruncationMarker() throws Exception {
        ExecutionRepository store = open();
        String big = "{\"rows\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        store.started(Execution.running("big", "f", null, "api", null, at(0), big));
        store.finished("big", "success", at(1), null, big, List.of());

        Execution e = store.find("big").orElseThrow();
        for (String stored : List.of(e.data(), e.input())) {
            JsonNode marker = JSON.readTree(stored);
            assertThat(marker.get("_truncated").asBoolean()).isTrue();
            assertThat(marker.get("size").asLong()).isEqualTo(big.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(store.list(ExecutionQuery.latest(1)).get(0).input()).startsWith("{\"_truncated\":true");
    }

    @Test
    void theJsonCapCountsBytesAndKeepsDocumentsThatFit() throws Exception {
        JdbcExecutionRepository store = new JdbcExecutionRepository(database(), 1000,
                JdbcExecutionRepository.DEFAULT_MAX_STEPS_PER_RUN);
        assertThat(store.jsonCapBytes()).isEqualTo(1000);
        String fits = "{\"v\":\"" + "é".repeat(496) + "\"}"; // 8 + 496 x 2 = 1000 bytes, 504 characters
        assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(1000);
        String over = "{\"v\":\"" + "é".repeat(497) + "\"}";
        store.record(new Execution("fits", "f", null, "api", null, at(0), at(1), "success", null, fits, fits, null));
        store.record(new Execution("over", "f", null, "api", null, at(0), at(1), "success", null, over, over, null));

        assertThat(store.find("fits").orElseThrow().data()).isEqualTo(fits);
        assertThat(JSON.readTree(store.find("over").orElseThrow().data()).get("size").asInt()).isEqualTo(1002);
    }

    @Test
    void errorTextsAreCappedAt8KiB() {
        ExecutionRepository store = open();
        String longError = "line of a stack trace ".repeat(2000) + "€".repeat(5000);
        store.started(running("err", "f", at(0)));
        store.finished("err", "failed", at(1), longError, null,
                List.of(new StepRecord("s", "failed", at(0), 5, longError)));

        Execution e = store.find("err").orElseThrow();
        for (String stored : List.of(e.error(), e.steps().get(0).error())) {
            assertThat(stored.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8 * 1024);
            assertThat(stored).startsWith("line of a stack trace line of").contains("[truncated, ");
        }
    }

    // --- fires, ping ---

    @Test
    void lastScheduledFireIsTheLatestFireTimeOfThatFlowPath() {
        ExecutionRepository store = open();
        assertThat(store.lastScheduledFire("nightly.yml")).isEmpty();

        store.record(new Execution("f1", "nightly", "nightly.yml", "schedule", at(0), at(0), at(1), "success", null,
                null, null, null));
        store.record(Execution.skipped("f2", "nightly", "nightly.yml", at(60), at(60), "locked"));
        store.record(new Execution("f0", "nightly", "nightly.yml", "schedule", at(-60), at(120), at(121), "success",
                null, null, null, null)); // a late catch-up of an older fire
        store.started(Execution.running("manual", "nightly", "nightly.yml", "api", null, at(500), "{}"));
        store.started(Execution.running("other", "hourly", "hourly.yml", "schedule", at(900), at(900), null));
        // another file with the same name is another flow: flows are identified by path
        store.record(new Execution("twin", "nightly", "team/nightly.yml", "schedule", at(3000), at(3000), at(3001),
                "success", null, null, null, null));

        assertThat(store.lastScheduledFire("nightly.yml")).contains(at(60));
        assertThat(store.lastScheduledFire("team/nightly.yml")).contains(at(3000));
        assertThat(store.lastScheduledFire("hourly.yml")).contains(at(900));
        assertThat(store.lastScheduledFire("never.yml")).isEmpty();
        assertThat(store.lastScheduledFire("nightly")).as("a name is not a path").isEmpty();
    }

    @Test
    void runsAreFoundByPathOrByTheNameTheyShare() {
        ExecutionRepository store = open();
        store.record(ended("one", "shared", "success", at(1), at(2)));
        store.record(new Execution("two", "shared", "lib/shared.yml", "api", null, at(3), at(4), "success", null,
                null, null, List.of()));
        assertThat(ids(store.list(new ExecutionQuery(null, null, null, null, 10, 0, "lib/shared.yml"))))
                .containsExactly("two");
        assertThat(ids(store.list(ExecutionQuery.ofPath("routes/shared.yml", "success", 10)))).containsExactly("one");
        assertThat(ids(store.list(new ExecutionQuery("shared", null, null, null, 10, 0)))).containsExactly("two", "one");
        assertThat(store.lastSuccesses()).extracting(LastSuccess::flowPath)
                .containsExactlyInAnyOrder("routes/shared.yml", "lib/shared.yml");
    }

    @Test
    void pausesArePerPath() {
        PausedFlowStore store = new JdbcPausedFlowStore(database());
        assertThat(store.setPaused("a/same.yml", true)).isTrue();
        assertThat(store.setPaused("a/same.yml", true)).isFalse();
        assertThat(store.setPaused("b/same.yml", true)).isTrue();
        assertThat(store.setPaused("b/same.yml", false)).isTrue();
        assertThat(store.pausedFlows()).containsExactly("a/same.yml");
    }

    @Test
    void pingAnswersWhileOpenAndNotAfterClose() {
        Database db = Database.open(url(), user(), password());
        assertThat(db.ping()).isTrue();
        db.close();
        assertThat(db.ping()).isFalse();
    }

    // --- concurrency ---

    @Test
    void eightThreadsRecordingTwoHundredRunsEachLoseNothing() throws Exception {
        ExecutionRepository store = open();
        int threads = 8;
        int runsPerThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                try {
                    go.await();
                    for (int i = 0; i < runsPerThread; i++) {
                        String id = "t" + thread + "-" + i;
                        Instant start = Instant.now();
                        store.started(Execution.running(id, "flow-" + thread, null, "api", null, start, "{}"));
                        store.finished(id, "success", Instant.now(), null, "{\"i\":" + i + "}",
                                steps(id, 3, start));
                    }
                } catch (Throwable ex) {
                    failures.add(ex);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(failures).isEmpty();
        assertThat(store.list(new ExecutionQuery(null, null, null, null, 10_000, 0))).hasSize(threads * runsPerThread);
        assertThat(store.count(new ExecutionQuery(null, "success", null, null, 0, 0))).isEqualTo(1600);
        assertThat(store.count(new ExecutionQuery("flow-3", null, null, null, 0, 0))).isEqualTo(200);
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(1600 * 3);
        assertThat(store.find("t7-199").orElseThrow().steps()).hasSize(3);
    }
    // --- the history writer (issue 17): several runs per transaction ---

    /** A run started and ended in one batch is inserted once, whole; ends of older rows update them. */
    @Test
    void aStartAndItsEndInOneBatchAreOneWholeRowAndAnEndWithoutARunningRowIsNotWritten() {
        Database database = database();
        JdbcExecutionRepository store = new JdbcExecutionRepository(database);
        store.started(running("before", "a", at(0)));
        ExecutionBatch batch = new ExecutionBatch(new ExecutionRows(Caps.DEFAULT_JSON_BYTES, 100));
        List<ExecutionWriter.Write> writes = List.of(
                new ExecutionWriter.Insert(running("both", "a", at(1)), null),
                new ExecutionWriter.End("both", "success", at(2), null, "{\"n\":1}", steps("both", 3, at(1)), 0),
                new ExecutionWriter.End("nobody", "failed", at(2), "no", null, steps("nobody", 2, at(1)), 0),
                new ExecutionWriter.Insert(ended("whole", "b", "failed", at(3), at(4)), null),
                new ExecutionWriter.End("before", "timeout", at(5), "too long", null, steps("before", 2, at(0)), 0));
        boolean[] written = database.inTransaction("batch", c -> batch.write(c, writes));

        assertThat(written).containsExactly(true, true, false, true, true);
        Execution both = store.find("both").orElseThrow();
        assertThat(both.status()).isEqualTo("success");
        assertThat(both.endedAt()).isEqualTo(at(2));
        assertThat(both.data()).contains("\"n\"");
        assertThat(both.steps()).hasSize(3);
        assertThat(store.find("before").orElseThrow().status()).isEqualTo("timeout");
        assertThat(store.find("before").orElseThrow().steps()).hasSize(2);
        assertThat(store.find("nobody")).isEmpty();
        assertThat(store.find("whole").orElseThrow().status()).isEqualTo("failed");
    }

    /**
     * Threads recording at once share transactions; a write the database refuses (an id recorded twice) fails
     * alone, its caller told, and every other run of its batch is written.
     */
    @Test
    void aRefusedWriteFailsOnlyItsOwnCallerAndTheOthersOfItsBatchAreWritten() throws Exception {
        ExecutionRepository store = open();
        store.record(ended("taken", "a", "success", at(0), at(1)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
        List<Future<?>> done = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 30; i++) {
                    String id = "r" + thread + "-" + i;
                    store.recordDurably(new Execution(id, "a", null, "api", null, at(i), at(i + 1), "success", null,
                            "{}", null, steps(id, 2, at(i))));
                    if (i % 10 == 0) {
                        try {
                            store.record(ended("taken", "a", "failed", at(2), at(3)));
                        } catch (DatabaseException e) {
                            refused.add(e);
                        }
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(refused).hasSize(24);
        assertThat(countRows("SELECT COUNT(*) FROM executions")).isEqualTo(241);
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(480);
        assertThat(store.find("taken").orElseThrow().status()).isEqualTo("success");
    }

    /** A full queue makes the recording threads wait (back-pressure): no run is dropped. */
    @Test
    void aFullWriteQueueMakesRecordersWaitAndLosesNoRun() throws Exception {
        ExecutionRepository store = new JdbcExecutionRepository(database(), Caps.DEFAULT_JSON_BYTES, 100, 1, 3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    String id = "q" + thread + "-" + i;
                    store.started(running(id, "a", at(i)));
                    assertThat(store.finishedDurably(id, "success", at(i + 1), null, "{}", steps(id, 2, at(i))))
                            .isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(store.count(new ExecutionQuery(null, "success", null, null, 0, 0))).isEqualTo(320);
        assertThat(countRows("SELECT COUNT(*) FROM execution_steps")).isEqualTo(640);
    }

    /** A clean stop: close() returns once the queue is written; a write after it is still taken. */
    @Test
    void closeReturnsOnceEveryQueuedWriteIsWrittenAndLaterWritesAreStillTaken() throws Exception {
        ExecutionRepository store = open();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    String id = "c" + thread + "-" + i;
                    store.record(ended(id, "a", "success", at(i), at(i + 1)));
                    written.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(20);
        store.close();
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        store.close();
        assertThat(countRows("SELECT COUNT(*) FROM executions")).isEqualTo(written.get()).isEqualTo(200);
        store.record(ended("after", "a", "success", at(0), at(1)));
        assertThat(store.find("after")).isPresent();
        pool.shutdown();
    }

    // --- issue 17, fourth session: storing a run cheaper ---

    /** A batch run's data holds its input again: stored once (input column), read back whole as before. */
    @Test
    void aRunsDataHandedOverWithoutItsInputIsStoredOnceAndReadBackWhole() throws Exception {
        ExecutionRepository store = open();
        String input = "[{\"amount\":2.5,\"source\":\"s1\"},{\"amount\":8,\"source\":\"s2\"}]";
        // whole, in one write (a run whose caller waits)
        store.recordDurably(new Execution("whole", "batch", "routes/batch.yml", "kafka", null, at(0), at(1), "success",
                null, input, ExecutionData.withoutInput("{\"__errors__\":[],\"sum\":10.5}"), steps("whole", 2, at(0))));
        // started, then its end (a run answered at admission), with nothing but the input in its data
        store.started(Execution.running("two", "batch", "routes/batch.yml", "kafka", null, at(2), input));
        assertThat(store.finishedDurably("two", "success", at(3), null, ExecutionData.withoutInput("{}"), List.of()))
                .isTrue();
        // a flow that replaced its __input__: its data keeps its own
        store.recordDurably(new Execution("own", "batch", "routes/batch.yml", "kafka", null, at(4), at(5), "success",
                null, input, "{\"__input__\":{\"replaced\":true},\"x\":1}", List.of()));

        Execution whole = store.find("whole").orElseThrow();
        assertThat(JSON.readTree(whole.input())).isEqualTo(JSON.readTree(input));
        assertThat(JSON.readTree(whole.data())).isEqualTo(JSON.readTree(
                "{\"__input__\":" + input + ",\"__errors__\":[],\"sum\":10.5}"));
        assertThat(whole.steps()).hasSize(2);
        assertThat(JSON.readTree(store.find("two").orElseThrow().data()))
                .isEqualTo(JSON.readTree("{\"__input__\":" + input + "}"));
        assertThat(JSON.readTree(store.find("own").orElseThrow().data()))
                .isEqualTo(JSON.readTree("{\"__input__\":{\"replaced\":true},\"x\":1}"));
        // the pages that read data (the console's series) see it whole too
        ExecutionQuery series = new ExecutionQuery(null, null, null, null, 10, 0, null, null, null, null, null, true);
        assertThat(store.list(series)).isEmpty(); // none has the series key: the filter still reads the stored data
        // stored once: two rows whose data column holds no copy of the input
        assertThat(countRows("SELECT COUNT(*) FROM executions WHERE input_in_data = TRUE"
                + " AND data NOT LIKE '%amount%'")).isEqualTo(2);
        assertThat(countRows("SELECT COUNT(*) FROM executions WHERE input_in_data = FALSE")).isEqualTo(1);
    }

    /** A data that is over the cap without its input is stored as the truncation note, not spliced with the input. */
    @Test
    void aDataOverTheCapHandedOverWithoutItsInputIsTheTruncationNoteAlone() throws Exception {
        ExecutionRepository store = new JdbcExecutionRepository(database(), Caps.MIN_JSON_BYTES, 100);
        String big = "{\"text\":\"" + "x".repeat(Caps.MIN_JSON_BYTES) + "\"}";
        store.recordDurably(new Execution("big", "batch", "routes/batch.yml", "api", null, at(0), at(1), "success",
                null, "{\"n\":1}", ExecutionData.withoutInput(big), List.of()));
        JsonNode data = JSON.readTree(store.find("big").orElseThrow().data());
        assertThat(data.get("_truncated").asBoolean()).isTrue();
        assertThat(data.has("__input__")).isFalse();
    }

    /**
     * Every query of the history reads an index, not the whole table (V14 dropped the one index no query used):
     * the plans of the real statements, on a history of a few hundred runs, with PostgreSQL told to avoid full
     * scans wherever an index serves (a plan without one still shows its Seq Scan).
     */
    @Test
    void everyHistoryQueryReadsAnIndex() throws Exception {
        ExecutionRepository store = open();
        for (int i = 0; i < 300; i++) {
            String flow = "f" + (i % 10);
            store.record(new Execution("run-" + i, flow, "routes/" + flow + ".yml", i % 3 == 0 ? "schedule" : "api",
                    i % 3 == 0 ? at(i) : null, at(i), at(i + 1), i % 7 == 0 ? "failed" : "success", null, "{}",
                    "{\"n\":" + i + "}", steps("run-" + i, 2, at(i))));
        }
        store.sync();
        boolean postgres = url().startsWith("jdbc:postgresql:");
        try (Connection c = rawConnection()) {
            try (var st = c.createStatement()) {
                st.execute("ANALYZE");
                if (postgres) {
                    st.execute("SET enable_seqscan = off");
                }
            }
            assertPlan(c, ExecutionQueries.FIND, List.of("run-1"), postgres ? "pk_executions" : "PRIMARY_KEY");
            // H2 keeps an index of its own for the foreign key (execution_id): either serves
            assertPlan(c, ExecutionQueries.FIND_STEPS, List.of("run-1"),
                    postgres ? "pk_execution_steps" : "PRIMARY_KEY", "fk_execution_steps_execution");
            assertPlan(c, ExecutionQueries.LAST_SCHEDULED, List.of("routes/f1.yml"),
                    "idx_executions_path_scheduled");
            assertPlan(c, ExecutionQueries.QUEUED, List.of(), "idx_executions_status_started");
            assertPlan(c, ExecutionQueries.OWNERS, List.of(), "idx_executions_status_started");
            assertList(c, new ExecutionQuery(null, null, null, null, 20, 0), "idx_executions_started");
            // PostgreSQL may read a small flow's rows through either path index and sort them
            assertList(c, new ExecutionQuery(null, null, null, null, 20, 0, "routes/f1.yml"),
                    "idx_executions_path_started", "idx_executions_path_scheduled");
            assertList(c, new ExecutionQuery("f1", null, null, null, 20, 0), "idx_executions_flow_started");
            assertList(c, new ExecutionQuery(null, "failed", null, null, 20, 0), "idx_executions_status_started");
            assertList(c, new ExecutionQuery(null, null, at(100), at(200), 20, 0), "idx_executions_started");
            // the purge by age (ExecutionRetention): started_at narrows the scan
            assertPlan(c, "SELECT id FROM executions WHERE ended_at IS NOT NULL AND started_at < ? AND ended_at < ?"
                    + " FETCH FIRST 5000 ROWS ONLY", List.of(SqlTimes.utc(at(50)), SqlTimes.utc(at(50))),
                    "idx_executions_started");
            assertPlan(c, "UPDATE executions SET status = 'aborted' WHERE status = 'running'", List.of(),
                    "idx_executions_status_started");
            try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, postgres ? "executions" : "EXECUTIONS",
                    false, false)) {
                List<String> indexes = new ArrayList<>();
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        indexes.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                    }
                }
                assertThat(indexes).doesNotContain("idx_executions_flow_scheduled").contains(
                        "idx_executions_started", "idx_executions_path_started", "idx_executions_path_scheduled");
            }
        }
    }

    private static void assertList(Connection c, ExecutionQuery q, String... indexes) throws SQLException {
        ExecutionFilter filter = new ExecutionFilter(q);
        assertPlan(c, ExecutionQueries.listSql(q, filter), filter.args, indexes);
    }

    /** The plan of {@code sql} reads one of {@code indexes}, and never the whole table. */
    private static void assertPlan(Connection c, String sql, List<Object> args, String... indexes)
            throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (java.sql.PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            ExecutionFilter.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        String text = plan.toString().toLowerCase(java.util.Locale.ROOT);
        assertThat(java.util.Arrays.stream(indexes).map(i -> i.toLowerCase(java.util.Locale.ROOT)))
                .as(sql + "\n" + text).anyMatch(text::contains);
        assertThat(text).as(sql).doesNotContain("seq scan").doesNotContain("tablescan");
    }

    /** V14 on a history written by version 13: every row and step kept, read as before (the data holds __input__). */
    @Test
    void aHistoryOfSchemaVersion13KeepsEveryRowThroughV14() throws Exception {
        try (var pool = new com.zaxxer.hikari.HikariDataSource()) {
            pool.setJdbcUrl(url());
            if (!user().isEmpty()) {
                pool.setUsername(user());
            }
            if (!password().isEmpty()) {
                pool.setPassword(password());
            }
            org.flywaydb.core.Flyway.configure().dataSource(pool)
                    .locations(Database.migrationLocations(url())).target("13").load().migrate();
        }
        try (Connection c = rawConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO executions (id, flow_name, flow_path, trigger_type, started_at, ended_at, status,"
                    + " input, data) VALUES ('old-1', 'batch', 'routes/batch.yml', 'api',"
                    + " TIMESTAMP WITH TIME ZONE '2025-03-01 10:00:00+00:00',"
                    + " TIMESTAMP WITH TIME ZONE '2025-03-01 10:00:01+00:00', 'success', '[1,2]',"
                    + " '{\"__input__\":[1,2],\"sum\":3}')");
            st.execute("INSERT INTO execution_steps (execution_id, seq, step, status, duration_micros)"
                    + " VALUES ('old-1', 0, 'add', 'success', 40)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        ExecutionRepository store = open(); // migrates to V14
        Execution old = store.find("old-1").orElseThrow();
        assertThat(JSON.readTree(old.data())).isEqualTo(JSON.readTree("{\"__input__\":[1,2],\"sum\":3}"));
        assertThat(old.input()).isEqualTo("[1,2]");
        assertThat(old.steps()).extracting(StepRecord::step).containsExactly("add");
        assertThat(countRows("SELECT COUNT(*) FROM executions WHERE input_in_data = FALSE")).isEqualTo(1);
        assertThat(countRows("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '14'"
                + " AND \"success\" = TRUE")).isEqualTo(1);
    }
}
