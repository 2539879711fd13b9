package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.Problem;
import io.octoflow.support.EmbeddedPostgres;
import io.octoflow.support.FlowFixture;

/**
 * The sql step on a real embedded H2 file and a real PostgreSQL, through the engine: a named datasource whose login
 * comes from secrets.yml, select/insert/update/batch, fetch_size and max_rows, validation at load with lines, errors
 * with the SQL state and without the password, and a run that times out cancelling its statement.
 */
class SqlStepTest {

    static final String H2_PASSWORD = "h2-Pa55word-never-shown";
    static final String PG_USER = "sqlstep_owner";
    static final String PG_PASSWORD = "pg-Pa55word-never-shown";

    @TempDir
    Path dir;

    FlowFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    /** A fixture whose datasource 'db' is a fresh database of {@code kind}, logged in with the secret db_login. */
    FlowFixture fixture(String kind) throws SQLException {
        fx = new FlowFixture(dir).set("DATASOURCES", "db").set("DATASOURCE_DB_SECRET", "db_login");
        if (kind.equals("h2")) {
            String url = "jdbc:h2:file:" + dir.resolve("h2/test").toAbsolutePath();
            // the first connection creates the database with this login
            DriverManager.getConnection(url, "owner", H2_PASSWORD).close();
            fx.set("DATASOURCE_DB_URL", url);
            fx.secretsFile("- {name: db_login, username: owner, password: " + H2_PASSWORD + "}\n");
        } else {
            fx.set("DATASOURCE_DB_URL", postgresDatabase());
            fx.secretsFile("- {name: db_login, username: " + PG_USER + ", password: " + PG_PASSWORD + "}\n");
        }
        return fx;
    }

    /** A new database on the test PostgreSQL, owned by a role with a password, so that every test starts empty. */
    static String postgresDatabase() throws SQLException {
        String name = "sqlstep_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + PG_USER + "') THEN"
                    + " CREATE ROLE " + PG_USER + " LOGIN PASSWORD '" + PG_PASSWORD + "'; END IF; END $$");
            st.execute("CREATE DATABASE " + name + " OWNER " + PG_USER);
        }
        return EmbeddedPostgres.url().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    }

    static final String CRUD = """
            name: crud
            steps:
              - name: create
                type: sql
                sql:
                  datasource: db
                  query: >-
                    CREATE TABLE tickets (id INT PRIMARY KEY, title VARCHAR(100), priority INT,
                    opened TIMESTAMP WITH TIME ZONE, done BOOLEAN)
              - name: one
                type: sql
                sql:
                  datasource: db
                  query: INSERT INTO tickets (id, title, priority, opened, done) VALUES (:id, :title, :p, CAST(:opened AS TIMESTAMP WITH TIME ZONE), false)
                  parameters:
                    id: 1
                    title: "{{ __input__.title }}"
                    p: "{{ __input__.priority }}"
                    opened: "2026-12-01T10:00:00Z"
              - name: more
                type: jq
                jq:
                  expression: '[range(2; 6) | {id: ., title: "ticket \\(.)", priority: (. % 3)}]'
              - name: batch by item keys
                type: sql
                sql:
                  datasource: db
                  query: INSERT INTO tickets (id, title, priority, done) VALUES (:id, :title, :priority, false)
                  batch: true
                  data_key: more
              - name: batch with parameters
                type: sql
                sql:
                  datasource: db
                  query: INSERT INTO tickets (id, title, priority, done) VALUES (:id, :title, 9, true)
                  batch: true
                  data_key: more
                  parameters:
                    id: "{{ item.id + 10 }}"
                    title: "copy of {{ item.title }}"
              - name: close low
                type: sql
                sql:
                  datasource: db
                  query: "UPDATE tickets SET done = true WHERE priority < :limit AND done = false -- :not_a_parameter"
                  parameters:
                    limit: 1
              - name: open
                type: sql
                sql:
                  datasource: db
                  query: >-
                    SELECT id AS "id", title AS "title", priority AS "priority", opened AS "opened", done AS "done"
                    FROM tickets WHERE done = :done AND title <> ':done' ORDER BY id
                  parameters:
                    done: false
            """;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    @SuppressWarnings("unchecked")
    void selectInsertUpdateAndBatch(String kind) throws SQLException {
        fixture(kind).flow("crud.yml", CRUD);
        RunResult r = fx.run("crud.yml", Map.of("title", "O'Brien; DROP TABLE tickets; --", "priority", 2),
                Map.of());

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("create")).isEqualTo(Map.of("updated", 0));
        assertThat(r.data().get("one")).isEqualTo(Map.of("updated", 1));
        assertThat(r.data().get("batch by item keys")).isEqualTo(Map.of("updated", 4));
        assertThat(r.data().get("batch with parameters")).isEqualTo(Map.of("updated", 4));
        // priorities of 2..5 are 2, 0, 1, 2: ticket 3 (priority 0) is closed
        assertThat(r.data().get("close low")).isEqualTo(Map.of("updated", 1));
        List<Map<String, Object>> open = (List<Map<String, Object>>) r.data().get("open");
        assertThat(open).extracting(row -> row.get("id")).containsExactly(1, 2, 4, 5);
        // the title went in as a value, quote and all, never as SQL
        assertThat(open.get(0)).containsEntry("title", "O'Brien; DROP TABLE tickets; --")
                .containsEntry("priority", 2).containsEntry("done", false);
        assertThat((String) open.get(0).get("opened")).matches("2026-12-01T10:00Z|2026-12-01T10:00:00Z");
        assertThat(open.get(1)).containsEntry("title", "ticket 2").containsEntry("opened", null);
        assertThat(count(fx, "SELECT count(*) FROM tickets WHERE title LIKE 'copy of %' AND done")).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    @SuppressWarnings("unchecked")
    void maxRowsStopsTheQueryAndFetchSizeReadsEveryRow(String kind) throws SQLException {
        String range = kind.equals("h2") ? "SELECT X AS \"n\" FROM SYSTEM_RANGE(1, 50) ORDER BY X"
                : "SELECT g AS \"n\" FROM generate_series(1, 50) g ORDER BY g";
        fixture(kind).flow("rows.yml", """
                name: rows
                steps:
                  - name: first three
                    type: sql
                    sql: {datasource: db, query: '%s', max_rows: 3}
                  - name: all in chunks
                    type: sql
                    sql: {datasource: db, query: '%s', fetch_size: 7}
                  - name: five in chunks of two
                    type: sql
                    sql: {datasource: db, query: '%s', fetch_size: 2, max_rows: 5}
                """.formatted(range, range, range));
        RunResult r = fx.run("rows.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat((List<Map<String, Object>>) r.data().get("first three")).extracting(m -> m.get("n"))
                .containsExactly(1, 2, 3);
        assertThat((List<Map<String, Object>>) r.data().get("all in chunks")).hasSize(50)
                .last().isEqualTo(Map.of("n", 50));
        assertThat((List<Map<String, Object>>) r.data().get("five in chunks of two")).extracting(m -> m.get("n"))
                .containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    @SuppressWarnings("unchecked")
    void onPostgresqlMaxRowsStopsTheServerAndFetchSizeReadsThroughACursor() throws SQLException {
        fixture("postgresql").flow("server.yml", """
                name: server side
                steps:
                  - name: sequence
                    type: sql
                    sql: {datasource: db, query: CREATE SEQUENCE s}
                  - name: three
                    type: sql
                    sql: {datasource: db, query: 'SELECT nextval(''s'') AS n FROM generate_series(1, 1000)', max_rows: 3}
                  - name: after
                    type: sql
                    sql: {datasource: db, query: 'SELECT last_value AS n FROM s'}
                  - name: cursor
                    type: sql
                    sql:
                      datasource: db
                      query: SELECT g, (SELECT string_agg(name, ',') FROM pg_cursors) AS portal FROM generate_series(1, 5) g
                      fetch_size: 2
                  - name: no cursor
                    type: sql
                    sql:
                      datasource: db
                      query: SELECT g, (SELECT string_agg(name, ',') FROM pg_cursors) AS portal FROM generate_series(1, 5) g
                """);
        RunResult r = fx.run("server.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat((List<?>) r.data().get("three")).hasSize(3);
        // PostgreSQL computed 3 rows, not 1000 cut down to 3 by the client
        assertThat(r.data().get("after")).isEqualTo(List.of(Map.of("n", 3)));
        // with fetch_size the rows are read through a portal, chunk by chunk; without, all at once
        assertThat((List<Map<String, Object>>) r.data().get("cursor")).hasSize(5)
                .allSatisfy(row -> assertThat((String) row.get("portal")).isNotEmpty());
        assertThat((List<Map<String, Object>>) r.data().get("no cursor")).hasSize(5)
                .allSatisfy(row -> assertThat((String) row.get("portal")).isEmpty());
    }

    static int count(FlowFixture fx, String sql) throws SQLException {
        var config = fx.config();
        var settings = config.datasources().get("db");
        String password = settings.url().startsWith("jdbc:h2") ? H2_PASSWORD : PG_PASSWORD;
        String user = settings.url().startsWith("jdbc:h2") ? "owner" : PG_USER;
        try (Connection c = DriverManager.getConnection(settings.url(), user, password);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theDefaultDatasourceIsTheHistoryDatabase() {
        fx = new FlowFixture(dir);
        fx.flow("default.yml", """
                name: default datasource
                steps:
                  - name: tables
                    type: sql
                    sql:
                      query: SELECT count(*) AS "n" FROM information_schema.tables WHERE table_name = :name
                      parameters: {name: flyway_schema_history}
                """);
        // no service ever opened it: its first use made the history's tables, as the service would
        RunResult r = fx.run("default.yml");
        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("tables")).isEqualTo(List.of(Map.of("n", 1)));
    }

    @Test
    void everyMistakeIsReportedAtLoadWithItsLine() throws SQLException {
        fixture("h2");
        Path file = fx.flow("broken.yml", """
                name: broken
                steps:
                  - name: unknown datasource
                    type: sql
                    sql:
                      datasource: warehouse
                      query: SELECT 1
                  - name: parameter mismatch
                    type: sql
                    sql:
                      query: SELECT * FROM t WHERE a = :a AND b = :b
                      parameters:
                        a: 1
                        c: 2
                  - name: batch without data_key
                    type: sql
                    sql:
                      query: INSERT INTO t (a) VALUES (:a)
                      batch: true
                  - name: positional
                    type: sql
                    sql:
                      query: SELECT * FROM t WHERE a = ?
                  - name: unclosed
                    type: sql
                    sql:
                      query: "SELECT 'open"
                """);
        List<Problem> problems = fx.engine().validate(file);
        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message())
                .anySatisfy(m -> assertThat(m).startsWith("6:19 ").contains("unknown datasource 'warehouse'")
                        .contains("configured: default, db"))
                .anySatisfy(m -> assertThat(m).startsWith("14:9 ").contains("'c' is not used by the query")
                        .contains(":a, :b"))
                .anySatisfy(m -> assertThat(m).startsWith("11:14 ").contains(":b has no value in 'parameters'"))
                .anySatisfy(m -> assertThat(m).startsWith("19:7 ").contains("batch needs a 'data_key'"))
                .anySatisfy(m -> assertThat(m).startsWith("23:14 ").contains("'?'"))
                .anySatisfy(m -> assertThat(m).startsWith("27:14 ").contains("not closed"));
        assertThat(problems).allMatch(Problem::isError).hasSize(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRefusedStatementFailsWithItsSqlState(String kind) throws SQLException {
        fixture(kind).flow("fails.yml", """
                name: fails
                steps:
                  - name: create
                    type: sql
                    sql: {datasource: db, query: 'CREATE TABLE u (id INT PRIMARY KEY)'}
                  - name: twice
                    type: sql
                    sql:
                      datasource: db
                      query: INSERT INTO u (id) VALUES (:id)
                      batch: true
                      data_key: ids
                  - name: count
                    type: sql
                    sql: {datasource: db, query: 'SELECT count(*) AS "n" FROM u'}
                """);
        RunResult r = fx.run("fails.yml", null, Map.of("ids", List.of(Map.of("id", 1), Map.of("id", 2),
                Map.of("id", 1))));
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("twice").contains("datasource 'db'").contains("SQL state 23505");
        // the batch was one transaction: nothing of it stayed
        assertThat(count(fx, "SELECT count(*) FROM u")).isZero();
    }

    @Test
    void theSecretsPasswordLogsInAndNeverShows() throws SQLException {
        fixture("h2").secretsFile("- {name: db_login, username: owner, password: wrong-" + H2_PASSWORD + "}\n");
        fx.flow("login.yml", """
                name: login
                steps:
                  - name: one
                    type: sql
                    sql: {datasource: db, query: SELECT 1}
                """);
        RunResult r = fx.run("login.yml");
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("datasource 'db'").contains("SQL state 28000").doesNotContain(H2_PASSWORD);
        // the right one, given in the file while the engine runs, logs in (the pool is made anew)
        fx.secretsFile("- {name: db_login, username: owner, password: " + H2_PASSWORD + "}\n");
        touchLater(fx.secrets());
        RunResult ok = fx.run("login.yml");
        assertThat(ok.status()).as(ok.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(ok.data().get("one")).isEqualTo(List.of(Map.of("1", 1)));
    }

    @Test
    void aPasswordInTheUrlIsMaskedInErrors() {
        String password = "url-Pa55word-" + UUID.randomUUID();
        fx = new FlowFixture(dir).set("DATASOURCES", "db")
                // H2 repeats a URL it cannot read in its error message
                .set("DATASOURCE_DB_URL", "jdbc:h2:nosuchmode:x;PASSWORD=" + password);
        fx.flow("url.yml", """
                name: url
                steps:
                  - name: one
                    type: sql
                    sql: {datasource: db, query: SELECT 1}
                """);
        RunResult r = fx.run("url.yml");
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("datasource 'db'").doesNotContain(password);
    }

    @Test
    void aRunThatTimesOutCancelsItsStatement() throws SQLException {
        fixture("postgresql").flow("slow.yml", """
                name: slow
                steps:
                  - name: wait
                    type: sql
                    sql: {datasource: db, query: 'SELECT pg_sleep(600) AS "slept", :marker AS "marker"',
                          parameters: {marker: octoflow-cancel-test}}
                """);
        var flow = fx.load("slow.yml");
        RunResult r = fx.engine().run(flow, null, Map.of(), Duration.ofSeconds(2));
        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        String database = fx.config().datasources().get("db").url().replaceFirst(".*/([^/?]+).*", "$1");
        // without the cancel, PostgreSQL would go on sleeping for ten minutes
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(activeSleeps(database)).isZero());
        assertThat(r.error()).contains("timed out");
    }

    static int activeSleeps(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database
                        + "' AND state = 'active' AND query LIKE '%pg_sleep%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The secrets file is re-read when its modification time changes: make sure it does. */
    static void touchLater(Path file) {
        try {
            var time = java.nio.file.Files.getLastModifiedTime(file).toMillis();
            java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(time + 2000));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
