package io.octoflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.LocalParts;

/**
 * The documented command and examples of docs/STREAMS.md: examples/streamproc/local-parts.sh starts a Kafka node
 * (KRaft, Apache Kafka's jars resolved by Maven) and Debian's influxd on free ports; the example flows of
 * examples/streams/ (each shown verbatim in the doc) run against them, and the records are read back with a plain
 * KafkaConsumer. The script stops both at the end.
 */
class StreamsExamplesTest {

    static final Path EXAMPLES = Path.of("examples/streams").toAbsolutePath();
    static final Path DOC = Path.of("docs/STREAMS.md").toAbsolutePath();

    static LocalParts parts;

    @TempDir
    Path dir;

    FlowFixture fx;

    @BeforeAll
    static void startParts() throws Exception {
        parts = LocalParts.start("kafka", "influx");
    }

    @AfterAll
    static void stopParts() throws Exception {
        if (parts != null) {
            parts.close();
        }
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    FlowFixture fixture() {
        fx = new FlowFixture(dir).set("KAFKA_BROKERS", "127.0.0.1:" + parts.port("KAFKA_PORT"))
                .set("INFLUX_URL", "http://127.0.0.1:" + parts.port("INFLUX_PORT"));
        return fx;
    }

    RunResult runExample(String name) throws IOException {
        String text = Files.readString(EXAMPLES.resolve(name), StandardCharsets.UTF_8);
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).as("docs/STREAMS.md shows " + name)
                .contains(text);
        fixture().flow(name, text);
        assertThat(fx.engine().validate(fx.flows().resolve(name))).isEmpty();
        return fx.run(name);
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaPublishSendsTenKeyedRecordsAndAnAnnouncement() throws IOException {
        RunResult r = runExample("kafka_publish.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat((List<Map<String, Object>>) r.data().get("publish")).hasSize(10)
                .allSatisfy(m -> assertThat(m).containsEntry("topic", "events").containsEntry("partition", 0));
        List<ConsumerRecord<String, String>> events = read("events", 10);
        assertThat(events).extracting(ConsumerRecord::key).containsExactly("0", "1", "2", "3", "4", "5", "6", "7",
                "8", "9");
        assertThat(events.get(4).value()).isEqualTo("{\"id\":4,\"amount\":6}");
        assertThat(new String(events.get(4).headers().lastHeader("size").value(), StandardCharsets.UTF_8))
                .isEqualTo("high");
        assertThat(read("announcements", 1)).extracting(ConsumerRecord::value)
                .containsExactly("10 events published by kafka_publish.yml");
    }

    @Test
    void influxAmountsStoresSixPointsAndSumsThemPerMinute() throws IOException {
        RunResult r = runExample("influx_amounts.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("store")).isEqualTo(Map.of("written", 6));
        assertThat((List<Map<String, Object>>) r.data().get("per minute")).containsExactly(
                Map.of("time", "2025-12-01T10:00:00Z", "n", 2.0, "total", 2.0),
                Map.of("time", "2025-12-01T10:01:00Z", "n", 2.0, "total", 10.0),
                Map.of("time", "2025-12-01T10:02:00Z", "n", 2.0, "total", 18.0));
    }

    static List<ConsumerRecord<String, String>> read(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + parts.port("KAFKA_PORT"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }
}
