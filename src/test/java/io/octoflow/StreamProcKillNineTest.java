package io.octoflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.EmbeddedPostgres;
import io.octoflow.support.InfluxDb;
import io.octoflow.support.KafkaBroker;
import io.octoflow.support.OctoflowProcess;

/**
 * The StreamProc consumers, batched, in a real {@code octoflow run} child JVM, killed with {@code kill -9} mid-stream
 * and started again: 10,000 events {@code {amount}} on a topic of three partitions end up split exactly by value
 * (amount > 5: PostgreSQL rows; the others: InfluxDB points), each once: counts and sums of both stores equal what
 * was produced. Offsets are committed only after a run is recorded, so the batches the kill interrupted are read
 * again; the stores are keyed by partition and offset, so reading again writes nothing twice.
 * <p>
 * The events go straight to Kafka (the event API's webhook is StreamProcExampleTest's). Half are produced before the
 * consumer starts and half after it is killed, so the kill is mid-stream by construction.
 */
class StreamProcKillNineTest {

    static final int EVENTS = 10_000;
    static KafkaBroker kafka;
    static InfluxDb influx;

    @TempDir
    Path root;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final String topic = "streamproc-kill-" + run;
    final String table = "high_events_" + run;
    final String database = "streamproc_" + run;

    @BeforeAll
    static void parts() {
        kafka = KafkaBroker.start();
        influx = InfluxDb.start();
    }

    @AfterAll
    static void stopParts() {
        if (influx != null) {
            influx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Consumer high, batched: the batch's amounts > 5 as rows keyed by partition and offset, one JDBC batch. */
    private String consumerHigh() {
        return """
                name: streamproc consumer high
                trigger:
                  kafka:
                    topic: %s
                    group_id: streamproc-high-%s
                    start: earliest
                    batch: {max_records: 500, max_wait_seconds: 1}
                steps:
                  - name: high
                    type: jq
                    jq:
                      expression: >-
                        [.__trigger__.records as $at | .__input__ | to_entries[] | select(.value.amount > 5)
                        | {part: $at[.key].partition, off: $at[.key].offset, amount: .value.amount,
                        source: (.value.source // "api"), at: $at[.key].timestamp}]
                  - name: store
                    type: sql
                    sql:
                      datasource: streamproc
                      batch: true
                      data_key: high
                      query: >-
                        INSERT INTO %s (part, off, amount, source, at)
                        VALUES (:part, :off, :amount, :source, CAST(:at AS TIMESTAMP WITH TIME ZONE))
                        ON CONFLICT (part, off) DO NOTHING
                """.formatted(topic, run, table);
    }

    /** Consumer low, batched: the batch's amounts <= 5 as points tagged with partition and offset, one write. */
    private String consumerLow() {
        return """
                name: streamproc consumer low
                trigger:
                  kafka:
                    topic: %s
                    group_id: streamproc-low-%s
                    start: earliest
                    batch: {max_records: 500, max_wait_seconds: 1}
                steps:
                  - name: low
                    type: jq
                    jq:
                      expression: >-
                        [.__trigger__.records as $at | .__input__ | to_entries[] | select(.value.amount <= 5)
                        | {part: $at[.key].partition, off: $at[.key].offset, amount: .value.amount,
                        source: (.value.source // "api"), at: $at[.key].timestamp}]
                  - name: store
                    type: influx
                    when: "low | length > 0"
                    influx:
                      database: %s
                      create_database: true
                      secret: influx_login
                      data_key: low
                      write:
                        measurement: low
                        tags:
                          part: "{{ item.part }}"
                          off: "{{ item.off }}"
                          source: "{{ item.source }}"
                        fields: {amount: "{{ item.amount }}"}
                        time: "{{ item.at }}"
                """.formatted(topic, run, database);
    }

    private static String freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private OctoflowProcess consumers(Path logs) {
        String pgUrl = EmbeddedPostgres.url() + (EmbeddedPostgres.url().contains("?") ? "&" : "?") + "user="
                + EmbeddedPostgres.user() + "&password=" + EmbeddedPostgres.password();
        Map<String, String> env = new java.util.HashMap<>(Map.of("DATA_PATH", root.resolve("data").toString(),
                "FLOWS_PATH", root.resolve("flows").toString(), "SECRETS_PATH", root.resolve("secrets.yml").toString(),
                "LOCK_PATH", root.resolve("locks").toString(), "API_PORT", freePort(), "API_BIND", "127.0.0.1",
                "KAFKA_BROKERS", kafka.bootstrapServers(), "INFLUX_URL", influx.url(),
                "KAFKA_TRIGGER_RETRY_MILLIS", "200"));
        env.put("DATASOURCES", "streamproc");
        env.put("DATASOURCE_STREAMPROC_URL", pgUrl);
        env.put("LOG_LEVEL", "INFO");
        // the killed consumer's partitions come back after 6 s (the brokers' least), not Kafka's 45 s
        env.put("KAFKA_TRIGGER_SESSION_TIMEOUT_MILLIS", "6000");
        return OctoflowProcess.start(root, logs, env, "run");
    }

    @Test
    void tenThousandEventsSplitExactlyByValueAcrossAKillNineOfTheConsumer() throws Exception {
        Files.createDirectories(root.resolve("flows"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("flows/consumer_high.yml"), consumerHigh());
        Files.writeString(root.resolve("flows/consumer_low.yml"), consumerLow());
        Files.writeString(root.resolve("secrets.yml"), "- {name: influx_login, username: " + InfluxDb.USER
                + ", password: " + InfluxDb.PASSWORD + "}\n");
        try (Connection c = postgres(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (part INT NOT NULL, off BIGINT NOT NULL, amount DOUBLE PRECISION"
                    + " NOT NULL, source TEXT, at TIMESTAMPTZ NOT NULL, PRIMARY KEY (part, off))");
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        // amounts 0.0 .. 10.0 in tenths (5.0 itself is low), spread over the partitions by key
        double highSum = 0;
        double lowSum = 0;
        int highCount = 0;
        double[] amounts = new double[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            amounts[i] = ((i * 37) % 101) / 10.0;
            if (amounts[i] > 5) {
                highSum += amounts[i];
                highCount++;
            } else {
                lowSum += amounts[i];
            }
        }
        int highs = highCount;
        int lows = EVENTS - highCount;

        produce(amounts, 0, EVENTS / 2);
        Path logs = root.resolve("logs");
        long started = System.nanoTime();
        long firstUp;
        long firstKilled;
        OctoflowProcess first = consumers(logs);
        try {
            first.awaitStdout("Octoflow API on");
            firstUp = (System.nanoTime() - started) / 1_000_000;
            // mid-stream: some of the first half stored by both consumers, then kill -9
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).failFast(
                    () -> assertThat(first.alive()).as(first.stdout()).isTrue())
                    .until(() -> high()[0] >= 200 && low()[0] >= 200);
            first.kill();
            firstKilled = (System.nanoTime() - started) / 1_000_000 - firstUp;
        } finally {
            first.close();
        }
        double storedAtKill = high()[0] + low()[0];
        assertThat(storedAtKill).isLessThan(EVENTS);
        produce(amounts, EVENTS / 2, EVENTS);

        long secondStarted = System.nanoTime();
        try (OctoflowProcess second = consumers(logs)) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).failFast(
                    () -> assertThat(second.alive()).as(second.stdout()).isTrue())
                    .until(() -> high()[0] >= highs && low()[0] >= lows);
            double[] high = high();
            double[] low = low();
            assertThat(high[0]).as("PostgreSQL rows").isEqualTo(highs);
            assertThat(high[1]).as("PostgreSQL sum").isCloseTo(highSum, Offset.offset(1e-6));
            assertThat(high[2]).as("PostgreSQL smallest").isGreaterThan(5);
            assertThat(low[0]).as("InfluxDB points").isEqualTo(lows);
            assertThat(low[1]).as("InfluxDB sum").isCloseTo(lowSum, Offset.offset(1e-6));
            assertThat(low[2]).as("InfluxDB largest").isEqualTo(5.0);
            assertThat(second.stdout() + second.stderr()).doesNotContain(InfluxDb.PASSWORD);
            System.out.printf("kill -9 mid-stream: %.0f of %d events stored at the kill; first consumer up in %d ms,"
                    + " killed after %d ms; second up and done in %d ms%n", storedAtKill, EVENTS, firstUp, firstKilled,
                    (System.nanoTime() - secondStarted) / 1_000_000);
            second.terminate();
        }
    }

    private void produce(double[] amounts, int from, int to) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "e" + i, "{\"amount\": " + amounts[i]
                        + ", \"source\": \"test\"}"));
            }
            producer.flush();
        }
    }

    private Connection postgres() throws Exception {
        return DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password());
    }

    /** count, sum, min of the PostgreSQL rows. */
    private double[] high() throws Exception {
        try (Connection c = postgres(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*), coalesce(sum(amount), 0), coalesce(min(amount), 99)"
                        + " FROM " + table)) {
            rows.next();
            return new double[] {rows.getLong(1), rows.getDouble(2), rows.getDouble(3)};
        }
    }

    /** count, sum, max of the InfluxDB points (zeros before the first write). */
    private double[] low() throws Exception {
        String q = "SELECT count(amount), sum(amount), max(amount) FROM low";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(influx.url() + "/query?db=" + database
                + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString((InfluxDb.USER + ":" + InfluxDb.PASSWORD)
                                .getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode values = json.readTree(r.body()).path("results").path(0).path("series").path(0).path("values")
                .path(0);
        if (values.isMissingNode()) {
            return new double[] {0, 0, 0};
        }
        return new double[] {values.path(1).asDouble(), values.path(2).asDouble(), values.path(3).asDouble()};
    }
}
