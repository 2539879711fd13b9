package io.octoflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.octoflow.support.TestHttpServer;

/** {@code /metrics} scraped from a started service after real runs, behind METRICS_TOKEN. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsTest {

    private static final String METRICS_TOKEN = "scrape-token-8d2e";
    private static final String GITHUB_TOKEN = "ghp_MetricsSecret4242";

    @TempDir
    static Path root;
    ServiceFixture service;
    TestHttpServer api;
    final List<String> executionIds = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        api = TestHttpServer.start();
        api.respond("/reject", request -> TestHttpServer.Response.status(401, "text/plain",
                "rejected: " + request.header("Authorization")));
        service = new ServiceFixture(root).set("METRICS_TOKEN", METRICS_TOKEN);
        service.files().secretsFile("""
                - name: gh
                  type: token
                  token: %s
                """.formatted(GITHUB_TOKEN));
        service.files().flow("sum.yml", """
                name: sum
                steps:
                  - name: add
                    type: set_fact
                    set_fact:
                      value: "{{ 1 + 2 }}"
                  - name: show
                    type: debug
                """);
        service.files().flow("leaky.yml", """
                name: leaky
                steps:
                  - name: call with token
                    type: rest
                    rest:
                      uri: "%s"
                      authentication: {type: token, secret: gh}
                """.formatted(api.url("/reject")));
        service.files().flow("tick.yml", """
                name: tick
                every_seconds: 1
                steps:
                  - name: now
                    type: set_fact
                    set_fact:
                      value: "{{ __timestamp__ }}"
                """);
        service.files().flow("broken.yml", """
                name: broken
                steps:
                  - name: nothing
                    type: no_such_type
                """);
        service.files().flow("idle.yml", """
                name: idle
                steps:
                  - name: never run
                    type: debug
                """);
        // a Camel route file of the flows directory: its route is a user's, charted like a flow's
        service.files().flow("beat.yml", """
                - route:
                    id: beat
                    from:
                      uri: timer:beat?period=3600000
                      steps:
                        - log: beat
                """);
        service.start();
        for (int i = 0; i < 2; i++) {
            executionIds.add(launch("sum.yml", 200));
        }
        executionIds.add(launch("leaky.yml", 200));
    }

    @AfterAll
    void stop() {
        service.close();
        api.close();
    }

    private String launch(String path, int expected) {
        Response r = service.post("/api/flows/launch?wait=true", "{\"path\": \"" + path + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        return r.json().get("execution_id").asText();
    }

    private String scrape() {
        Response r = service.send(service.request("/metrics").setHeader("Authorization", "Bearer " + METRICS_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        return r.body();
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void runsAreCountedByFlowAndStatusWithTheirDurations() {
        String scrape = scrape();
        assertThat(value(scrape,
                "octoflow_flow_executions_total{flow=\"sum\",path=\"sum.yml\",status=\"success\"}")).isEqualTo(2.0);
        assertThat(value(scrape,
                "octoflow_flow_executions_total{flow=\"leaky\",path=\"leaky.yml\",status=\"failed\"}")).isEqualTo(1.0);
        assertThat(value(scrape, "octoflow_flow_duration_seconds_count{flow=\"sum\",path=\"sum.yml\"}")).isEqualTo(2.0);
        assertThat(value(scrape,
                "octoflow_flow_duration_seconds_bucket{flow=\"sum\",path=\"sum.yml\",le=\"+Inf\"}")).isEqualTo(2.0);
        assertThat(value(scrape,
                "octoflow_step_duration_seconds_count{flow=\"sum\",path=\"sum.yml\",step=\"add\"}")).isEqualTo(2.0);
        assertThat(value(scrape,
                "octoflow_step_duration_seconds_count{flow=\"sum\",path=\"sum.yml\",step=\"show\"}")).isEqualTo(2.0);
        double lastSuccess = value(scrape,
                "octoflow_flow_last_success_timestamp_seconds{flow=\"sum\",path=\"sum.yml\"}");
        assertThat(lastSuccess).isBetween(System.currentTimeMillis() / 1000.0 - 120, System.currentTimeMillis() / 1000.0 + 1);
        assertThat(scrape).doesNotContain(
                "octoflow_flow_last_success_timestamp_seconds{flow=\"leaky\",path=\"leaky.yml\"}");
        // Camel's route meters, under the flows' route ids, and JVM meters
        assertThat(value(scrape, "camel_exchanges_total{camelContext=\"octoflow\",eventType=\"route\","
                + "kind=\"CamelRoute\",routeId=\"flow-sum.yml\"}")).isEqualTo(2.0);
        assertThat(scrape).contains("jvm_memory_used_bytes{", "process_uptime_seconds ");
        assertThat(scrape).doesNotContain("routeId=\"api-", "routeId=\"schedule-");
    }

    private Response scrape(String accept) {
        var request = service.request("/metrics").setHeader("Authorization", "Bearer " + METRICS_TOKEN);
        if (accept != null) {
            request.setHeader("Accept", accept);
        }
        return service.send(request);
    }

    @Test
    void everyStatusAndReasonIsAtZeroFromTheDeploySoThatAFirstFailureShowsInIncrease() {
        String scrape = scrape();
        for (String status : List.of("success", "exit", "failed", "timeout", "aborted")) {
            assertThat(value(scrape, "octoflow_flow_executions_total{flow=\"idle\",path=\"idle.yml\",status=\""
                    + status + "\"}")).as(status).isZero();
        }
        for (String reason : List.of("locked", "paused", "queue_timeout", "overloaded")) {
            assertThat(value(scrape, "octoflow_flow_skipped_total{flow=\"idle\",path=\"idle.yml\",reason=\""
                    + reason + "\"}")).as(reason).isZero();
        }
        assertThat(value(scrape, "octoflow_flow_duration_seconds_count{flow=\"idle\",path=\"idle.yml\"}")).isZero();
        // a flow that only succeeded has its failure series, at 0, before its first failure
        assertThat(value(scrape,
                "octoflow_flow_executions_total{flow=\"sum\",path=\"sum.yml\",status=\"failed\"}")).isZero();
    }

    @Test
    void aFlowDeployedWhileRunningHasItsSeriesAtOnceAndLosesThemWithItsFile() throws Exception {
        Path late = service.files().flow("late.yml", """
                name: late
                steps:
                  - name: nothing
                    type: debug
                """);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(value(scrape(),
                "octoflow_flow_executions_total{flow=\"late\",path=\"late.yml\",status=\"failed\"}")).isZero());
        Files.delete(late);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrape()).doesNotContain("path=\"late.yml\"", "file=\"late.yml\""));
    }

    @Test
    void theFormatFollowsAcceptAsWithThePrometheusClientNever406() {
        String text = "text/plain; version=0.0.4; charset=utf-8";
        String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        // what Prometheus sends by default, and what curl, browsers and other tools send
        String prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        for (String accept : new String[] {null, "text/plain", "*/*", "text/plain;version=0.0.4",
            "text/html,application/xhtml+xml,*/*;q=0.8", "application/json"}) {
            Response r = scrape(accept);
            assertThat(r.status()).as("Accept: %s", accept).isEqualTo(200);
            assertThat(r.header("Content-Type")).as("Accept: %s", accept).isEqualTo(text);
            assertThat(r.body()).contains("# TYPE octoflow_flow_executions_total counter",
                    "octoflow_flow_executions_total{flow=\"sum\"").doesNotContain("# EOF");
        }
        for (String accept : new String[] {"application/openmetrics-text", prometheus}) {
            Response r = scrape(accept);
            assertThat(r.status()).as("Accept: %s", accept).isEqualTo(200);
            assertThat(r.header("Content-Type")).as("Accept: %s", accept).isEqualTo(openMetrics);
            assertThat(r.body()).contains("# TYPE octoflow_flow_executions counter",
                    "octoflow_flow_executions_total{flow=\"sum\"").endsWith("# EOF\n");
        }
    }

    @Test
    void camelRouteMetersAreForTheRoutesUsersWriteOnly() {
        assertThat(service.get("/api/flows").status()).isEqualTo(200); // an API route with an exchange
        Set<String> charted = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^camel_[a-z_]+\\{[^}]*routeId=\"([^\"]+)\"").matcher(scrape());
        while (m.find()) {
            charted.add(m.group(1));
        }
        assertThat(charted).contains("flow-sum.yml", "flow-leaky.yml", "beat")
                .allSatisfy(id -> assertThat(id.startsWith("flow-") || id.equals("beat")).as(id).isTrue());
        // a flow's route, and so its camel_* meters, exist from its first run on (FLOW_ROUTES=on-first-run); its
        // octoflow_* meters from its deployment
        assertThat(charted).doesNotContain("flow-idle.yml");
        assertThat(scrape()).contains("flow=\"idle\"");
        assertThat(service.service().camel().getRoutes()).as("the API's routes exist, uncharted")
                .anySatisfy(route -> assertThat(route.getRouteId()).startsWith("api-"));
    }

    @Test
    void routeCountsAreTheCamelContexts() {
        var camel = service.service().camel();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String scrape = scrape();
            String tags = "{camelContext=\"octoflow\",eventType=\"RouteEvent\",kind=\"CamelRoute\"}";
            assertThat(value(scrape, "camel_routes_added_routes" + tags)).isEqualTo(camel.getRoutes().size());
            assertThat(value(scrape, "camel_routes_running_routes" + tags)).isEqualTo(camel.getRoutes().stream()
                    .filter(r -> camel.getRouteController().getRouteStatus(r.getRouteId()).isStarted()).count());
        });
    }

    /** The table of docs/OBSERVABILITY.md: every metric it names is served, every octoflow_* served is in it. */
    @Test
    @Order(Integer.MAX_VALUE - 1) // after the other tests made every kind of series appear
    void theDocumentedMetricsAreExactlyTheServedOnes() throws Exception {
        String doc = Files.readString(Path.of("docs/OBSERVABILITY.md"));
        String section = doc.substring(doc.indexOf("## Prometheus metrics"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Set<String> documented = new TreeSet<>();
        for (String row : section.lines().filter(line -> line.startsWith("| `")).toList()) {
            Matcher name = Pattern.compile("`((?:octoflow|camel|jvm|process)_[a-z0-9_]+)`")
                    .matcher(row.substring(0, row.indexOf(" | ")));
            while (name.find()) {
                documented.add(name.group(1));
            }
        }
        assertThat(documented).hasSizeGreaterThan(20).contains("camel_routes_running_routes");
        // jvm_gc_pause_seconds comes with the first collection, once its notification has been delivered
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return scrape().contains("jvm_gc_pause_seconds_count");
        });
        String scrape = scrape();
        for (String name : documented) {
            assertThat(scrape).as("documented metric %s", name)
                    .containsPattern("(?m)^" + name + "(_bucket|_count|_sum|_max)?[{ ]");
        }
        Set<String> served = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^(octoflow_[a-z0-9_]+)[{ ]").matcher(scrape);
        while (line.find()) {
            served.add(line.group(1).replaceFirst("_(bucket|count|sum|max)$", ""));
        }
        assertThat(served).hasSizeGreaterThan(7);
        assertThat(documented).as("in docs/OBSERVABILITY.md").containsAll(served);
    }

    @Test
    void invalidFilesAreFlaggedUntilFixed() throws Exception {
        assertThat(value(scrape(), "octoflow_flow_invalid{file=\"broken.yml\"}")).isEqualTo(1.0);
        assertThat(value(scrape(), "octoflow_flow_invalid{file=\"sum.yml\"}")).isEqualTo(0.0);
        service.files().flow("broken.yml", """
                name: broken
                steps:
                  - name: nothing
                    type: debug
                """);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(value(scrape(), "octoflow_flow_invalid{file=\"broken.yml\"}")).isEqualTo(0.0));
    }

    @Test
    void scheduledRunsReportTheirLagAndSkippedFiresTheirReason() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrape()).contains("octoflow_schedule_lag_seconds{flow=\"tick\",path=\"tick.yml\"}"));
        double lag = value(scrape(), "octoflow_schedule_lag_seconds{flow=\"tick\",path=\"tick.yml\"}");
        assertThat(lag).isGreaterThanOrEqualTo(0).isLessThan(5);

        // a run of tick that never ends, as far as the scheduler can tell: its lock is held (taken between two of
        // its runs: one may hold it right now on a busy machine)
        await().atMost(Duration.ofSeconds(20)).until(() -> service.service().locks().take("tick.yml", "held-by-test"));
        try {
            assertThat(value(scrape(), "octoflow_locks_held")).isEqualTo(1.0);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape())
                    .containsPattern(
                            "octoflow_flow_skipped_total\\{flow=\"tick\",path=\"tick.yml\",reason=\"locked\"} [1-9]"));
        } finally {
            service.service().locks().forceRelease("tick.yml");
        }
        assertThat(value(scrape(), "octoflow_locks_held")).isEqualTo(0.0);
    }

    @Test
    void labelsHoldNoExecutionIdAndNoSecret() {
        String scrape = scrape();
        assertThat(executionIds).hasSize(3);
        for (String id : executionIds) {
            assertThat(scrape).doesNotContain(id);
        }
        assertThat(scrape).doesNotContain(GITHUB_TOKEN, METRICS_TOKEN, ServiceFixture.TOKEN);
    }

    @Test
    @Order(Integer.MAX_VALUE) // after the other tests made every kind of series appear (a skipped fire among them)
    void everyOctoflowMetricOfTheGrafanaDashboardIsServed() throws Exception {
        String dashboard = java.nio.file.Files.readString(Path.of("docs/grafana-dashboard.json"));
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard); // importable JSON
        Matcher names = Pattern.compile("(octoflow|camel|jvm)_[a-z_]+").matcher(dashboard);
        String scrape = scrape();
        int found = 0;
        while (names.find()) {
            assertThat(scrape).as("metric %s of the dashboard", names.group()).contains(names.group());
            found++;
        }
        assertThat(found).isGreaterThan(10);
    }

    @Test
    void theMetricsTokenIsRequiredWhenSet() {
        Response none = service.send(service.request("/metrics").setHeader("Authorization", "Bearer wrong"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("octoflow_");
        // the API token is not the metrics token
        assertThat(service.get("/metrics").status()).isEqualTo(401);
    }
}
