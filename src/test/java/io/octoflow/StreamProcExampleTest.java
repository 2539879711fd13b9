package io.octoflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.LocalParts;
import io.octoflow.support.EmbeddedPostgres;
import io.octoflow.support.KafkaBroker;
import io.octoflow.support.ServiceFixture;

/**
 * The StreamProc pipeline of examples/streamproc/ on a started service: Kafka's in-process KRaft broker, real
 * PostgreSQL (EmbeddedPostgres) and Debian's influxd started by examples/streamproc/local-parts.sh (authentication
 * off, as the README runs it). Events POSTed to the event API go through Kafka to both consumers and are split
 * exactly by value: amounts > 5 as PostgreSQL rows, the others as InfluxDB points; the aggregator answers both
 * series and the octoflow_series the console charts. The producer's schedule is left out here (it would post to
 * port 8080): the test launches it with the service's URL.
 */
class StreamProcExampleTest {

    static final Path EXAMPLES = Path.of("examples/streamproc").toAbsolutePath();
    static final int EVENTS = 1000;
    static KafkaBroker kafka;
    static LocalParts parts;

    @TempDir
    Path root;
    ServiceFixture service;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void parts() throws Exception {
        kafka = KafkaBroker.start();
        parts = LocalParts.start("influx");
    }

    @AfterAll
    static void stopParts() throws Exception {
        if (parts != null) {
            parts.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private String influxUrl() {
        return "http://127.0.0.1:" + parts.port("INFLUX_PORT");
    }

    private Connection postgres() throws Exception {
        return DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password());
    }

    private double[] high(String source) throws Exception {
        try (Connection c = postgres(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*), coalesce(sum(amount), 0), coalesce(max(amount), 0),"
                        + " coalesce(min(amount), 99) FROM high_events WHERE source = '" + source + "'")) {
            rows.next();
            return new double[] {rows.getLong(1), rows.getDouble(2), rows.getDouble(3), rows.getDouble(4)};
        }
    }

    /** count, sum, max, min of the low points of {@code source} (zeros when the measurement is not there yet). */
    private double[] low(String source) throws Exception {
        String q = "SELECT count(amount), sum(amount), max(amount), min(amount) FROM low WHERE source = '" + source
                + "'";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(influxUrl() + "/query?db=streamproc&q="
                + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode values = json.readTree(r.body()).path("results").path(0).path("series").path(0).path("values")
                .path(0);
        if (values.isMissingNode()) {
            return new double[] {0, 0, 0, 0};
        }
        return new double[] {values.path(1).asDouble(), values.path(2).asDouble(), values.path(3).asDouble(),
                values.path(4).asDouble()};
    }

    @Test
    void eventsSplitExactlyByValueIntoPostgresAndInfluxAndTheAggregatorAnswersBothSeries() throws Exception {
        try (Connection c = postgres(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS high_events");
        }
        String pgUrl = EmbeddedPostgres.url() + (EmbeddedPostgres.url().contains("?") ? "&" : "?") + "user="
                + EmbeddedPostgres.user() + "&password=" + EmbeddedPostgres.password();
        service = new ServiceFixture(root).set("KAFKA_BROKERS", kafka.bootstrapServers())
                .set("INFLUX_URL", influxUrl()).set("KAFKA_TRIGGER_RETRY_MILLIS", "200")
                .set("DATASOURCES", "streamproc").set("DATASOURCE_STREAMPROC_URL", pgUrl);
        for (String name : List.of("setup.yml", "event_api.yml", "consumer_high.yml", "consumer_low.yml",
                "aggregator.yml", "producer.yml")) {
            String text = Files.readString(EXAMPLES.resolve(name), StandardCharsets.UTF_8);
            if (name.equals("producer.yml")) {
                assertThat(text).contains("\nevery_seconds: 1\n");
                text = text.replace("\nevery_seconds: 1\n", "\n");
            }
            service.files().flow(name, text);
            assertThat(service.files().engine().validate(service.files().flows().resolve(name))).as(name).isEmpty();
        }
        service.start();
        ServiceFixture.Response setup = service.post("/api/flows/launch?wait=true", "{\"path\": \"setup.yml\"}");
        assertThat(setup.json().path("status").asText()).as(setup.body()).isEqualTo("success");

        // amounts 0.05 .. 9.95 (half above 5), and 5 itself (low): EVENTS + 1 events
        double highSum = 0;
        double lowSum = 5;
        List<Double> amounts = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            double amount = (i % 100) / 10.0 + 0.05;
            if (amount > 5) {
                highSum += amount;
            } else {
                lowSum += amount;
            }
            amounts.add(amount);
        }
        amounts.add(5.0);
        // four clients at once, as producers would (the event API's runs go side by side: concurrency: allow)
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (double amount : amounts) {
                sent.add(clients.submit(() -> post(amount)));
            }
            for (java.util.concurrent.Future<?> one : sent) {
                one.get();
            }
        } finally {
            clients.shutdown();
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> high("test")[0] >= EVENTS / 2 && low("test")[0] >= EVENTS / 2 + 1);
        double[] high = high("test");
        double[] low = low("test");
        assertThat(high[0]).isEqualTo(EVENTS / 2);
        assertThat(high[1]).isCloseTo(highSum, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(high[3]).isGreaterThan(5);
        assertThat(low[0]).isEqualTo(EVENTS / 2 + 1);
        assertThat(low[1]).isCloseTo(lowSum, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(low[2]).isEqualTo(5.0);

        // the producer, launched with this service's event API: its event lands in exactly one store
        ServiceFixture.Response produced = service.post("/api/flows/launch?wait=true",
                "{\"path\": \"producer.yml\", \"data\": {\"event_api\": \"" + service.url("/hooks/events") + "\"}}");
        assertThat(produced.json().path("status").asText()).as(produced.body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(60)).until(() -> high("producer")[0] + low("producer")[0] == 1);

        // the aggregator: both series in 10 s buckets, and the latest totals for the console's chart
        ServiceFixture.Response aggregate = service.post("/hooks/aggregate", "{}");
        assertThat(aggregate.status()).as(aggregate.body()).isEqualTo(200);
        JsonNode result = aggregate.json();
        long highCount = 0;
        for (JsonNode bucket : result.path("high")) {
            assertThat(bucket.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d0Z");
            highCount += bucket.path("n").asLong();
        }
        long lowCount = 0;
        for (JsonNode bucket : result.path("low")) {
            lowCount += bucket.path("n").asLong();
        }
        assertThat(highCount + lowCount).isEqualTo(EVENTS + 2);
        assertThat(result.path("octoflow_series").path("high").isNumber()).as(result.toString()).isTrue();
        assertThat(result.path("octoflow_series").path("low").isNumber()).as(result.toString()).isTrue();
    }

    private void post(double amount) {
        ServiceFixture.Response r = service.post("/hooks/events", "{\"amount\": " + amount
                + ", \"source\": \"test\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
}
