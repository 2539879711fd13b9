package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.Problem;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.InfluxDb;

/**
 * The influx step against a real InfluxDB 1.6 (Debian's influxd, authentication on; one for the class): points
 * written from a list with templated tags, fields and times, then queried back through the step (GROUP BY tags);
 * a bad query and a wrong login fail the run naming the step, URL and database, without the password; mistakes
 * reported at load with their lines.
 */
class InfluxStepTest {

    static InfluxDb influx;

    @TempDir
    Path dir;

    FlowFixture fx;

    @BeforeAll
    static void startInflux() {
        influx = InfluxDb.start();
    }

    @AfterAll
    static void stopInflux() {
        if (influx != null) {
            influx.close();
        }
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    FlowFixture fixture(String password) {
        fx = new FlowFixture(dir).set("INFLUX_URL", influx.url());
        fx.secretsFile("- {name: influx_login, username: " + InfluxDb.USER + ", password: " + password + "}\n");
        return fx;
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesPointsAndQueriesThemBack() {
        fixture(InfluxDb.PASSWORD).flow("points.yml", """
                name: points
                steps:
                  - name: store
                    type: influx
                    influx:
                      database: streamproc
                      create_database: true
                      secret: influx_login
                      data_key: __input__.events
                      write:
                        measurement: "{{ __input__.measurement }}"
                        tags: {size: "{{ 'high' if item.amount > 5 else 'low' }}", source: "{{ item.source }}"}
                        fields: {amount: "{{ item.amount }}", note: "event {{ item.id }}"}
                        time: "{{ item.ts }}"
                  - name: all
                    type: influx
                    influx:
                      database: streamproc
                      secret: influx_login
                      query: SELECT amount, note, size FROM amounts ORDER BY time
                  - name: by size
                    type: influx
                    influx:
                      database: streamproc
                      secret: influx_login
                      query: SELECT count(amount) AS n, sum(amount) AS total FROM amounts GROUP BY size
                """);
        List<Map<String, Object>> events = List.of(
                Map.of("id", 1, "amount", 2, "source", "api", "ts", 1_764_583_200_000L),
                Map.of("id", 2, "amount", 7.5, "source", "api", "ts", "2025-12-01T10:00:01Z"),
                Map.of("id", 3, "amount", 9, "source", "", "ts", 1_764_583_202_000L));
        RunResult r = fx.run("points.yml", Map.of("measurement", "amounts", "events", events), Map.of());

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("store")).isEqualTo(Map.of("written", 3));
        List<Map<String, Object>> all = (List<Map<String, Object>>) r.data().get("all");
        assertThat(all).extracting(m -> m.get("time")).containsExactly("2025-12-01T10:00:00Z",
                "2025-12-01T10:00:01Z", "2025-12-01T10:00:02Z");
        assertThat(all).extracting(m -> m.get("amount")).containsExactly(2.0, 7.5, 9.0);
        assertThat(all).extracting(m -> m.get("note")).containsExactly("event 1", "event 2", "event 3");
        assertThat(all).extracting(m -> m.get("size")).containsExactly("low", "high", "high");
        List<Map<String, Object>> bySize = (List<Map<String, Object>>) r.data().get("by size");
        assertThat(bySize).extracting(m -> m.get("size") + "=" + m.get("n") + "/" + m.get("total"))
                .containsExactlyInAnyOrder("high=2.0/16.5", "low=1.0/2.0");
        assertThat(r.data().toString()).doesNotContain(InfluxDb.PASSWORD);
    }

    @Test
    void aBadQueryFailsNamingTheStepAndTheDatabase() {
        influx.post("CREATE DATABASE errors");
        fixture(InfluxDb.PASSWORD).flow("bad.yml", """
                name: bad query
                steps:
                  - name: broken select
                    type: influx
                    influx:
                      database: errors
                      secret: influx_login
                      query: SELEKT * FROM nowhere
                """);
        RunResult r = fx.run("bad.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("failed at step 'broken select'").contains("influx (" + influx.url())
                .contains("database 'errors'").contains("SELEKT").doesNotContain(InfluxDb.PASSWORD);
    }

    @Test
    void aWrongLoginFailsWithoutShowingThePassword() {
        fixture("wrong-Pa55word-never-shown").flow("login.yml", """
                name: wrong login
                steps:
                  - name: write
                    type: influx
                    influx:
                      database: errors
                      secret: influx_login
                      write:
                        measurement: m
                        fields: {v: 1}
                """);
        RunResult r = fx.run("login.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("failed at step 'write'").contains("authorization failed")
                .doesNotContain("wrong-Pa55word-never-shown");
        assertThat(r.data().toString()).doesNotContain("wrong-Pa55word-never-shown");
    }

    @Test
    void aReloadedFlowUsesItsNewUrlAndLogin() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String flow = """
                name: moving
                steps:
                  - name: count
                    type: influx
                    influx:
                      url: %s
                      database: errors
                      create_database: true
                      secret: %s
                      query: SHOW MEASUREMENTS
                """;
        fixture(InfluxDb.PASSWORD).secretsFile("- {name: influx_login, username: " + InfluxDb.USER + ", password: "
                + InfluxDb.PASSWORD + "}\n- {name: other_login, username: nobody, password: x}\n");
        fx.flow("moving.yml", flow.formatted("http://127.0.0.1:" + closed, "influx_login"));
        RunResult down = fx.run("moving.yml");
        assertThat(down.status()).isEqualTo(RunStatus.FAILED);
        assertThat(down.error()).contains("http://127.0.0.1:" + closed);

        // as the flows directory's watcher does when the file changes
        Path file = fx.flow("moving.yml", flow.formatted(influx.url(), "influx_login"));
        RunResult up = fx.engine().run(fx.engine().redeploy(file), null, Map.of());
        assertThat(up.status()).as(up.error()).isEqualTo(RunStatus.SUCCESS);

        fx.flow("moving.yml", flow.formatted(influx.url(), "other_login"));
        RunResult refused = fx.engine().run(fx.engine().redeploy(file), null, Map.of());
        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.error()).contains("authorization failed");
    }

    @Test
    void everyMistakeIsReportedAtLoadWithItsLine() {
        Path file = fixture(InfluxDb.PASSWORD).flow("broken.yml", """
                name: broken
                steps:
                  - name: both
                    type: influx
                    influx:
                      database: d
                      query: SELECT 1
                      write: {measurement: m, fields: {v: 1}}
                  - name: login in url
                    type: influx
                    influx:
                      url: http://admin:secret@localhost:8086
                      database: d
                      query: SHOW MEASUREMENTS
                  - name: no fields
                    type: influx
                    influx:
                      database: d
                      write: {measurement: m}
                """);
        List<Problem> problems = fx.engine().validate(file);
        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message())
                .anySatisfy(m -> assertThat(m).startsWith("6:17 ").contains("exactly one of 'write'")
                        .contains("found both"))
                .anySatisfy(m -> assertThat(m).startsWith("12:12 ").contains("login in the URL"))
                .anySatisfy(m -> assertThat(m).contains("fields"));
        assertThat(problems).allMatch(Problem::isError).hasSize(3);
        assertThat(problems.toString()).doesNotContain("admin:secret");
    }
}
