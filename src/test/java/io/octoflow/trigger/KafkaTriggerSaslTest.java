package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.CapturedLogs;
import io.octoflow.support.KafkaBroker;
import io.octoflow.support.ServiceFixture;

/**
 * {@code trigger: kafka} with {@code secret}: against Kafka's in-process KRaft broker whose client listener takes
 * only SASL_PLAINTEXT/PLAIN, a flow logging in with the right secrets.yml credential runs every record; a flow with
 * the wrong password stops its own consumer with an ERROR naming its file and trigger.kafka.secret (the others go
 * on); a flow naming a secret that is not there is refused naming secrets.yml. No password in any log line or run.
 */
class KafkaTriggerSaslTest {

    private static final String USER = "octo-consumer";
    private static final String PASSWORD = "kafka-Pa55-never-shown-7c1e";
    private static final String WRONG = "wrong-Pa55-never-shown-41d0";
    static KafkaBroker kafka;

    @TempDir
    Path root;
    ServiceFixture service;

    @BeforeAll
    static void broker() {
        kafka = KafkaBroker.startSasl(USER, PASSWORD);
    }

    @AfterAll
    static void stopBroker() {
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

    private static String consumer(String name, String topic, String secret) {
        return """
                name: %s
                trigger:
                  kafka:
                    topic: %s
                    start: earliest
                    secret: %s
                steps:
                  - name: seen
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.n }}"
                """.formatted(name, topic, secret);
    }

    private static void produce(String topic, int from, int to) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientSettings(USER, PASSWORD),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "{\"n\": " + i + "}"));
            }
            producer.flush();
        }
    }

    private List<Integer> seen(String path) {
        List<Integer> ns = new ArrayList<>();
        for (JsonNode run : service.get("/api/executions?limit=1000&path=" + path).json()) {
            if (run.path("status").asText().equals("success")) {
                ns.add(run.path("input").path("n").asInt());
            }
        }
        return ns;
    }

    @Test
    void theRightLoginConsumesAWrongOneStopsOnlyItsOwnConsumerWithAnErrorNamingFileAndField() throws Exception {
        service = new ServiceFixture(root).set("KAFKA_BROKERS", kafka.bootstrapServers())
                .set("KAFKA_TRIGGER_RETRY_MILLIS", "200");
        service.files().secretsFile("""
                - {name: kafka_login, username: %s, password: %s}
                - {name: kafka_wrong, username: %s, password: %s}
                """.formatted(USER, PASSWORD, USER, WRONG));
        service.files().flow("good.yml", consumer("good", "sasl-good", "kafka_login"));
        service.files().flow("wrong.yml", consumer("wrong", "sasl-wrong", "kafka_wrong"));
        service.files().flow("missing.yml", consumer("missing", "sasl-missing", "kafka_nowhere"));
        produce("sasl-good", 0, 5);
        produce("sasl-wrong", 0, 5);
        try (CapturedLogs logs = CapturedLogs.of(KafkaTriggerSource.class, EventTriggers.class)) {
            service.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> seen("good.yml").size() == 5);
            await().atMost(Duration.ofSeconds(90)).until(() -> logs.atLeast(Level.ERROR).stream()
                    .anyMatch(l -> l.message().contains("wrong.yml")));
            String refused = logs.atLeast(Level.ERROR).stream().filter(l -> l.message().contains("wrong.yml"))
                    .findFirst().orElseThrow().message();
            assertThat(refused).contains("trigger.kafka (line 3)", "trigger.kafka.secret 'kafka_wrong' (secrets.yml)",
                    kafka.bootstrapServers(), "consumer stops");
            String missing = logs.atLeast(Level.ERROR).stream().filter(l -> l.message().contains("missing.yml"))
                    .findFirst().orElseThrow().message();
            assertThat(missing).contains("trigger.kafka.secret (line 3)", "kafka_nowhere", "secrets.yml");

            // the good consumer goes on, the wrong one ran nothing
            produce("sasl-good", 5, 10);
            await().atMost(Duration.ofSeconds(60)).until(() -> seen("good.yml").size() == 10);
            assertThat(seen("good.yml")).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(service.get("/api/executions?path=wrong.yml").json()).isEmpty();
            assertThat(logs.lines()).allSatisfy(l -> assertThat(l.message()).doesNotContain(PASSWORD)
                    .doesNotContain(WRONG));
        }
        String history = service.get("/api/executions?limit=1000").body();
        assertThat(history).doesNotContain(PASSWORD).doesNotContain(WRONG);
        try (var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain(PASSWORD).doesNotContain(WRONG);
            }
        }
    }
}
