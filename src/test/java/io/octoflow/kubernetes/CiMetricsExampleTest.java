package io.octoflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.EmbeddedPostgres;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.GrafanaPostgresMacros;
import io.octoflow.support.JobDriver;
import io.octoflow.support.KubernetesMock;

/**
 * The CI-metrics pipeline of k8s/examples (kept out of routes/, whose examples run without a cluster), end to end:
 * the retriever runs as a Job on fabric8's mock API server with its token as a secretKeyRef; what it printed lands
 * in DATA_PATH and, through sql steps, in a real PostgreSQL (twice: the second run updates, adds no duplicate);
 * then every panel of the Grafana dashboard, its SQL expanded as Grafana's PostgreSQL datasource does, returns rows
 * from that database.
 */
class CiMetricsExampleTest {

    static final Path EXAMPLE = Path.of("k8s/examples/ci-metrics.yml");
    static final Path GRAFANA = Path.of("k8s/examples/ci-metrics/grafana");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DB_USER = "ci_metrics_writer";
    static final String DB_PASSWORD = "ci-Metrics-pa55-" + UUID.randomUUID();

    @TempDir
    Path dir;

    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void theRetrieverRunsAsAJobAndItsMetricsLandInPostgresqlForTheDashboard() throws Exception {
        String url = database();
        try (KubernetesMock mock = new KubernetesMock();
                FlowFixture fx = new FlowFixture(dir)
                        .set("KUBECONFIG", mock.kubeconfig(dir.resolve("kube")).toString())
                        .set("DATASOURCES", "ci_metrics")
                        .set("DATASOURCE_CI_METRICS_URL", url)
                        .set("DATASOURCE_CI_METRICS_SECRET", "ci_metrics_db")) {
            fx.secretsFile("- {name: ci_metrics_db, username: " + DB_USER + ", password: " + DB_PASSWORD + "}\n");
            Files.copy(EXAMPLE, fx.flows().resolve("ci-metrics.yml"));
            JobDriver driver = new JobDriver(mock);
            FlowDefinition flow = fx.load("ci-metrics.yml");
            assertThat(flow.name()).isEqualTo("ci metrics");

            // first hour: three finished runs, one still running
            List<Map<String, Object>> runs = new ArrayList<>(List.of(
                    run(101, "build", "success", 180, 600),
                    run(102, "build", "success", 150, 420),
                    run(103, "tests", "failure", 120, 900),
                    run(104, "tests", null, 30, null)));
            Job first = runRetriever(fx, flow, driver, null, runs, true);

            try (Connection c = connect(url)) {
                assertThat(query(c, "SELECT run_id, conclusion, duration_seconds FROM ci_workflow_runs ORDER BY run_id"))
                        .containsExactly(row(101L, "success", 600.0), row(102L, "success", 420.0),
                                row(103L, "failure", 900.0), row(104L, null, null));
                assertThat(query(c, "SELECT job_name, runs, failures FROM ci_retrievals"))
                        .containsExactly(row(first.getMetadata().getName(), 4, 1));
            }

            // run again: 104 has failed since, 105 is new; nothing is duplicated
            runs.set(3, run(104, "tests", "failure", 30, 1500));
            runs.add(run(105, "build", "success", 5, 480));
            runRetriever(fx, flow, driver, first.getMetadata().getName(), runs, false);

            try (Connection c = connect(url)) {
                assertThat(query(c, "SELECT count(*), count(DISTINCT run_id) FROM ci_workflow_runs"))
                        .containsExactly(row(5L, 5L));
                assertThat(query(c, "SELECT conclusion, duration_seconds FROM ci_workflow_runs WHERE run_id = 104"))
                        .containsExactly(row("failure", 1500.0));
                assertThat(query(c, "SELECT count(*) FROM ci_retrievals GROUP BY repository, hour HAVING count(*) > 1"))
                        .isEmpty();
                assertThat(query(c, "SELECT runs, failures FROM ci_retrievals ORDER BY retrieved_at DESC LIMIT 1"))
                        .containsExactly(row(5, 2));

                everyPanelReturnsRows(c);
            }
        }
    }

    /** Runs the flow once, plays the retriever's Job on the mock, checks the Job and the files; returns the Job. */
    private Job runRetriever(FlowFixture fx, FlowDefinition flow, JobDriver driver, String previousJob,
            List<Map<String, Object>> runs, boolean checkFiles) throws Exception {
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                () -> fx.engine().run(flow, null, Map.of("repository", "acme/web")));
        Job job = await().atMost(Duration.ofSeconds(20)).until(() -> driver.jobs().stream()
                .filter(j -> !j.getMetadata().getName().equals(previousJob)).findFirst(), o -> o.isPresent()).get();
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).extracting(EnvVar::getName)
                .containsExactly("REPOSITORY", "EXECUTION_ID", "GITHUB_TOKEN");
        assertThat(container.getEnv().get(0).getValue()).isEqualTo("acme/web");
        EnvVar token = container.getEnv().get(2);
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ci-tokens");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("github");
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(900L);

        String printed = JSON.writeValueAsString(Map.of("repository", "acme/web", "workflow_runs", runs));
        driver.podEnded(job, 0, "retrieved " + runs.size() + " workflow runs of acme/web\n" + printed + "\n", 200);
        driver.succeed(job);
        RunResult r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("store workflow runs")).isEqualTo(Map.of("updated", runs.size()));
        assertThat(r.data().get("store retrieval")).isEqualTo(Map.of("updated", 1));

        if (checkFiles) {
            try (var files = Files.list(fx.data().resolve("ci-metrics"))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.matches("github_\\d{14}\\.json")).contains("github.jsonl");
            }
            JsonNode line = JSON.readTree(fx.readData("ci-metrics/github.jsonl").strip());
            assertThat(line.path("job_name").asText()).isEqualTo(job.getMetadata().getName());
            assertThat(line.path("runs").asInt()).isEqualTo(runs.size());
            assertThat(line.at("/by_conclusion/failure").asInt()).isEqualTo(1);
            assertThat(line.at("/by_conclusion/in_progress").asInt()).isEqualTo(1);
            assertThat(line.path("ended").asText()).isNotEmpty();
        }
        return job;
    }

    /** A workflow run as the retriever prints it: started {@code hoursAgo}... minutes ago. */
    private Map<String, Object> run(long id, String workflow, String conclusion, int minutesAgo, Integer seconds) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", id);
        run.put("workflow", workflow);
        run.put("branch", "main");
        run.put("event", "push");
        run.put("status", conclusion == null ? "in_progress" : "completed");
        run.put("conclusion", conclusion);
        run.put("started_at", now.minus(minutesAgo, ChronoUnit.MINUTES).toString());
        run.put("duration_seconds", seconds == null ? null : seconds.doubleValue());
        return run;
    }

    /** Each panel names the provisioned datasource; its SQL, expanded as Grafana does, returns the expected rows. */
    private void everyPanelReturnsRows(Connection c) throws Exception {
        JsonNode provisioning = new YAMLMapper().readTree(GRAFANA.resolve("datasource.yml").toFile());
        JsonNode datasource = provisioning.path("datasources").get(0);
        assertThat(datasource.path("type").asText()).isEqualTo("grafana-postgresql-datasource");
        JsonNode dashboard = JSON.readTree(GRAFANA.resolve("ci-metrics-dashboard.json").toFile());
        GrafanaPostgresMacros grafana = new GrafanaPostgresMacros(now.minus(7, ChronoUnit.DAYS), now.plusSeconds(60),
                Duration.ofHours(1));
        Map<String, List<List<Object>>> results = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.at("/datasource/uid").asText()).isEqualTo(datasource.path("uid").asText());
                String sql = grafana.expand(target.path("rawSql").asText());
                assertThat(sql).doesNotContain("$__");
                List<List<Object>> rows = query(c, sql);
                assertThat(rows).as("%s: %s", panel.path("title").asText(), sql).isNotEmpty();
                results.put(panel.path("title").asText(), rows);
            }
        }
        assertThat(results).hasSize(6);
        // 3 of the 5 finished runs succeeded
        assertThat(((Number) results.get("Success rate").get(0).get(0)).doubleValue()).isEqualTo(60.0);
        assertThat(results.get("Latest failures")).extracting(r -> r.get(3)).containsExactly(104L, 103L);
        assertThat(results.get("Median duration per workflow")).extracting(r -> r.get(0))
                .containsExactlyInAnyOrder("build", "tests");
        // time series: a "time" column first (Grafana reads it), in epoch seconds or as a timestamp
        assertThat(results.get("Workflow runs per hour, by conclusion")).allSatisfy(r -> assertThat(r).hasSize(3));
        int total = results.get("Workflow runs per hour, by conclusion").stream()
                .mapToInt(r -> ((Number) r.get(2)).intValue()).sum();
        assertThat(total).isEqualTo(5);
    }

    // --- the database ---

    /** A fresh database owned by a role that logs in with a password (the flow's secret). */
    private static String database() throws SQLException {
        String name = "ci_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + DB_USER + "') THEN"
                    + " CREATE ROLE " + DB_USER + " LOGIN; END IF; END $$");
            st.execute("ALTER ROLE " + DB_USER + " PASSWORD '" + DB_PASSWORD + "'");
            st.execute("CREATE DATABASE " + name + " OWNER " + DB_USER);
        }
        return EmbeddedPostgres.url().replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, DB_USER, DB_PASSWORD);
    }

    private static List<List<Object>> query(Connection c, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
