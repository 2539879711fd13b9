package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.CapturedLogs;
import io.octoflow.support.KafkaBroker;
import io.octoflow.support.ServiceFixture;

/**
 * {@code trigger: kafka} on a started service against Kafka's in-process KRaft broker: each record one run with
 * {@code __trigger__}, rows inserted idempotently (keyed by partition and offset) into a real H2 table by the sql
 * step; a restart mid-stream loses nothing and stores nothing twice; malformed records per {@code on_failure}; batches.
 */
class KafkaTriggerTest {

    static KafkaBroker kafka;

    @TempDir
    Path root;
    ServiceFixture service;
    String db;
    Connection keepAlive;

    @BeforeAll
    static void broker() {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @BeforeEach
    void database() throws SQLException {
        db = "jdbc:h2:mem:kafka_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        keepAlive = DriverManager.getConnection(db);
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE events (topic VARCHAR(100), part INT, off BIGINT, n INT, rkey VARCHAR(100),"
                    + " PRIMARY KEY (topic, part, off))");
        }
    }

    @AfterEach
    void stop() throws SQLException {
        if (service != null) {
            service.close();
        }
        keepAlive.close();
    }

    private ServiceFixture started() throws Exception {
        service = new ServiceFixture(root).set("KAFKA_BROKERS", kafka.bootstrapServers())
                .set("KAFKA_TRIGGER_RETRY_MILLIS", "200")
                .set("DATASOURCES", "events").set("DATASOURCE_EVENTS_URL", db);
        return service;
    }

    /** A flow consuming {@code topic} that stores each record's n once, keyed by where the record is. */
    private void consumer(String file, String topic, String extra) {
        service.files().flow(file, """
                name: %s
                trigger:
                  kafka:
                    topic: %s
                    start: earliest
                %s
                steps:
                  - name: store
                    type: sql
                    sql:
                      datasource: events
                      query: >-
                        MERGE INTO events (topic, part, off, n, rkey) KEY (topic, part, off)
                        VALUES (:topic, :part, :off, :n, :rkey)
                      parameters:
                        topic: "{{ __trigger__.topic }}"
                        part: "{{ __trigger__.partition }}"
                        off: "{{ __trigger__.offset }}"
                        n: "{{ __input__.n }}"
                        rkey: "{{ __trigger__.key }}"
                """.formatted(topic, topic, extra));
    }

    private static void produce(String topic, List<String> values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(java.util.Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, values.get(i)));
            }
            producer.flush();
        }
    }

    private List<Integer> stored(String topic) throws SQLException {
        List<Integer> ns = new ArrayList<>();
        try (Statement s = keepAlive.createStatement();
                ResultSet rows = s.executeQuery("SELECT n FROM events WHERE topic = '" + topic + "' ORDER BY off")) {
            while (rows.next()) {
                ns.add(rows.getInt(1));
            }
        }
        return ns;
    }

    private List<JsonNode> runs(String path, String status) {
        List<JsonNode> runs = new ArrayList<>();
        service.get("/api/executions?limit=1000&path=" + path).json().forEach(r -> {
            if (status == null || r.path("status").asText().equals(status)) {
                runs.add(r);
            }
        });
        return runs;
    }

    private static List<String> numbers(int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add("{\"n\": " + i + "}");
        }
        return values;
    }

    @Test
    void eachRecordIsOneRunAndARestartMidStreamLosesNothingAndStoresNothingTwice() throws Exception {
        started();
        consumer("orders.yml", "orders", "");
        produce("orders", numbers(0, 300));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> stored("orders").size() >= 40);
        service.stop(); // mid-stream: the offsets of stored records are committed, the others are read again
        assertThat(stored("orders").size()).isLessThan(300);
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> stored("orders").size() >= 300);

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add(i);
        }
        // one row per offset, in offset order: nothing lost, nothing stored twice, n matching its record
        assertThat(stored("orders")).isEqualTo(expected);
        try (Statement s = keepAlive.createStatement();
                ResultSet rows = s.executeQuery("SELECT COUNT(*), MIN(off), MAX(off) FROM events WHERE rkey = 'k7'")) {
            rows.next();
            assertThat(rows.getLong(1)).isEqualTo(1);
            assertThat(rows.getLong(2)).isEqualTo(7);
        }
        JsonNode run = runs("orders.yml", "success").get(0);
        JsonNode detail = service.get("/api/executions/" + run.path("id").asText()).json();
        assertThat(detail.path("trigger").asText()).isEqualTo("kafka");
        JsonNode trigger = detail.path("data").path("__trigger__");
        assertThat(trigger.path("kind").asText()).isEqualTo("kafka");
        assertThat(trigger.path("topic").asText()).isEqualTo("orders");
        assertThat(trigger.path("partition").asInt()).isZero();
        long offset = trigger.path("offset").asLong();
        assertThat(trigger.path("key").asText()).isEqualTo("k" + offset);
        assertThat(detail.path("input").path("n").asLong()).isEqualTo(offset);
        assertThat(trigger.path("timestamp").asText()).endsWith("Z");
    }

    @Test
    void aMalformedRecordIsAFailedRunThenSkippedRetriedOrStopsTheConsumer() throws Exception {
        started();
        consumer("skip.yml", "bad-skip", "    on_failure: skip");
        consumer("retry.yml", "bad-retry", "    on_failure: retry");
        consumer("stop.yml", "bad-stop", "    on_failure: stop");
        List<String> values = List.of("{\"n\": 1}", "not { json", "{\"n\": 3}");
        produce("bad-skip", values);
        produce("bad-retry", values);
        produce("bad-stop", values);
        try (CapturedLogs logs = CapturedLogs.of(KafkaTriggerSource.class)) {
            service.start();
            // skip: the failed run is recorded, the record committed, the next one runs
            await().atMost(Duration.ofSeconds(60)).until(() -> stored("bad-skip").equals(List.of(1, 3)));
            List<JsonNode> failed = runs("skip.yml", "failed");
            assertThat(failed).hasSize(1);
            JsonNode detail = service.get("/api/executions/" + failed.get(0).path("id").asText()).json();
            assertThat(detail.path("error").asText()).contains("offset 1 is not JSON (value: json)");
            // retry: the same record again and again, the next one never reached
            await().atMost(Duration.ofSeconds(60)).until(() -> runs("retry.yml", "failed").size() >= 3);
            assertThat(stored("bad-retry")).containsExactly(1);
            // stop: one failed run, an ERROR naming the flow file, the consumer stopped
            await().atMost(Duration.ofSeconds(60)).until(() -> logs.atLeast(Level.ERROR).stream()
                    .anyMatch(l -> l.message().contains("stop.yml") && l.message().contains("consumer stops")));
            await().atMost(Duration.ofSeconds(30)).until(() -> runs("retry.yml", "failed").size() >= 6);
            assertThat(runs("stop.yml", "failed")).hasSize(1);
            assertThat(stored("bad-stop")).containsExactly(1);
            assertThat(stored("bad-retry")).containsExactly(1);
        }
    }

    /**
     * Back-pressure: a flow slower than its topic (300 records waiting, batches of at most 10, each run napping) holds
     * one batch at a time: its runs never overlap, each takes the records right after the previous run's, and the
     * group's lag (end offset - committed offset, read from the broker while it works) only shrinks, step by step,
     * to zero as the flow catches up.
     */
    @Test
    void aSlowFlowTakesOneBatchAtATimeAndItsLagShrinksToZero() throws Exception {
        started();
        service.files().flow("slow.yml", """
                name: slow
                trigger:
                  kafka:
                    topic: slow-topic
                    group_id: slow-group
                    start: earliest
                    batch: {max_records: 10, max_wait_seconds: 1}
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 0.1
                  - name: size
                    type: jq
                    jq:
                      expression: '.__input__ | length'
                """);
        int total = 300;
        produce("slow-topic", numbers(0, total));
        org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition("slow-topic",
                0);
        List<Long> lags = new ArrayList<>();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                kafka.clientSettings())) {
            long end = admin.listOffsets(java.util.Map.of(partition,
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().get(partition).offset();
            assertThat(end).isEqualTo(total);
            service.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                org.apache.kafka.clients.consumer.OffsetAndMetadata committed = admin
                        .listConsumerGroupOffsets("slow-group").partitionsToOffsetAndMetadata().get().get(partition);
                long lag = end - (committed == null ? 0 : committed.offset());
                if (lags.isEmpty() || lags.get(lags.size() - 1) != lag) {
                    lags.add(lag);
                }
                return lag == 0;
            });
        }
        // the lag only went down, through several values, to zero
        assertThat(lags.get(lags.size() - 1)).isZero();
        assertThat(lags.stream().distinct().count()).as("lags seen %s", lags).isGreaterThan(3);
        for (int i = 1; i < lags.size(); i++) {
            assertThat(lags.get(i)).as("lags seen %s", lags).isLessThan(lags.get(i - 1));
        }
        // one batch in flight: runs one after the other, each of at most 10 records, starting where the last ended
        List<JsonNode> runs = new ArrayList<>(runs("slow.yml", "success"));
        runs.sort(java.util.Comparator.comparing(r -> r.path("started_at").asText()));
        long next = 0;
        String previousEnd = null;
        for (JsonNode run : runs) {
            JsonNode detail = service.get("/api/executions/" + run.path("id").asText()).json();
            JsonNode records = detail.path("data").path("__trigger__").path("records");
            assertThat(records.size()).isBetween(1, 10);
            assertThat(records.get(0).path("offset").asLong()).as(detail.toString()).isEqualTo(next);
            next = records.get(records.size() - 1).path("offset").asLong() + 1;
            if (previousEnd != null) {
                assertThat(java.time.Instant.parse(detail.path("started_at").asText()))
                        .isAfterOrEqualTo(java.time.Instant.parse(previousEnd));
            }
            previousEnd = detail.path("ended_at").asText();
        }
        assertThat(next).isEqualTo(total);
        assertThat(runs.size()).isBetween(total / 10, total);
    }

    @Test
    void aBatchIsOneRunWithAListOfValues() throws Exception {
        started();
        service.files().flow("batch.yml", """
                name: batch
                trigger:
                  kafka:
                    topic: batched
                    start: earliest
                    batch: {max_records: 20, max_wait_seconds: 1}
                steps:
                  - name: rows
                    type: jq
                    jq:
                      expression: '. as $d | [range(0; $d.__input__ | length) as $i | {n: $d.__input__[$i].n, off: $d.__trigger__.records[$i].offset}]'
                  - name: store
                    type: sql
                    sql:
                      datasource: events
                      query: MERGE INTO events (topic, part, off, n) KEY (topic, part, off) VALUES ('batched', 0, :off, :n)
                      batch: true
                      data_key: rows
                  - name: size
                    type: jq
                    jq:
                      expression: '.__input__ | length'
                """);
        produce("batched", numbers(0, 50));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> stored("batched").size() >= 50);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertThat(stored("batched")).isEqualTo(expected);
        List<JsonNode> runs = runs("batch.yml", "success");
        assertThat(runs.size()).isBetween(3, 49);
        int total = 0;
        for (JsonNode run : runs) {
            JsonNode detail = service.get("/api/executions/" + run.path("id").asText()).json();
            int size = detail.path("data").path("size").asInt();
            assertThat(size).isBetween(1, 20);
            assertThat(detail.path("data").path("__trigger__").path("records").size()).isEqualTo(size);
            total += size;
        }
        assertThat(total).isEqualTo(50);
    }
}
