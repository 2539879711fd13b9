package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.Problem;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.KafkaBroker;

/**
 * The kafka step against Apache Kafka's own in-process KRaft broker (one for the class): one record, a batch from a
 * list, templated topic, key and headers, the records read back by a plain KafkaConsumer; an unreachable broker
 * fails the run naming the step and the brokers, without the SASL password; mistakes reported at load with lines.
 */
class KafkaStepTest {

    static KafkaBroker broker;

    @TempDir
    Path dir;

    FlowFixture fx;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    FlowFixture fixture() {
        fx = new FlowFixture(dir).set("KAFKA_BROKERS", broker.bootstrapServers());
        return fx;
    }

    @Test
    @SuppressWarnings("unchecked")
    void sendsOneRecordAndABatchWithTemplatedKeysAndHeaders() {
        fixture().flow("publish.yml", """
                name: publish
                steps:
                  - name: one
                    type: kafka
                    kafka:
                      topic: "single-{{ __input__.suffix }}"
                      message: {hello: "{{ __input__.who }}", n: "{{ __input__.n }}"}
                      key: "k-{{ __input__.n }}"
                  - name: events
                    type: jq
                    jq:
                      expression: '[range(0; 5) | {id: ., amount: (. * 2.5)}]'
                  - name: batch
                    type: kafka
                    kafka:
                      topic: amounts
                      data_key: events
                      key: "{{ item.id }}"
                      headers:
                        source: "{{ __flow_path__ }}"
                        size: "{{ 'high' if item.amount > 5 else 'low' }}"
                  - name: text
                    type: kafka
                    kafka:
                      topic: words
                      data_key: words
                      value: text
                      acks: "1"
                """);
        RunResult r = fx.run("publish.yml", Map.of("suffix", "t", "who", "kafka", "n", 7),
                Map.of("words", List.of("alpha", "beta")));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat((List<Map<String, Object>>) r.data().get("one")).containsExactly(
                Map.of("topic", "single-t", "partition", 0, "offset", 0L));
        List<Map<String, Object>> batch = (List<Map<String, Object>>) r.data().get("batch");
        assertThat(batch).extracting(m -> m.get("offset")).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(batch).allSatisfy(m -> assertThat(m).containsEntry("topic", "amounts"));

        ConsumerRecord<String, String> single = broker.read("single-t", 1).get(0);
        assertThat(single.key()).isEqualTo("k-7");
        assertThat(single.value()).isEqualTo("{\"hello\":\"kafka\",\"n\":7}");

        List<ConsumerRecord<String, String>> amounts = broker.read("amounts", 5);
        assertThat(amounts).extracting(ConsumerRecord::key).containsExactly("0", "1", "2", "3", "4");
        assertThat(amounts.get(3).value()).isEqualTo("{\"id\":3,\"amount\":7.5}");
        assertThat(header(amounts.get(0), "size")).isEqualTo("low");
        assertThat(header(amounts.get(3), "size")).isEqualTo("high");
        assertThat(header(amounts.get(3), "source")).isEqualTo("publish.yml");

        assertThat(broker.read("words", 2)).extracting(ConsumerRecord::value).containsExactly("alpha", "beta");
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anUnreachableBrokerFailsTheRunNamingTheStepWithoutTheSecret() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        fixture().secretsFile("- {name: kafka_login, username: producer, password: kafka-Pa55word-never-shown}\n");
        fx.flow("down.yml", """
                name: down
                steps:
                  - name: to nowhere
                    type: kafka
                    kafka:
                      topic: lost
                      brokers: 127.0.0.1:%d
                      message: {a: 1}
                      secret: kafka_login
                      timeout_seconds: 3
                """.formatted(closed));
        RunResult r = fx.run("down.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("failed at step 'to nowhere'").contains("brokers 127.0.0.1:" + closed)
                .contains("topic 'lost'").doesNotContain("kafka-Pa55word-never-shown");
        assertThat(r.data().toString()).doesNotContain("kafka-Pa55word-never-shown");
    }

    @Test
    void everyMistakeIsReportedAtLoadWithItsLine() {
        Path file = fixture().flow("broken.yml", """
                name: broken
                steps:
                  - name: nothing to send
                    type: kafka
                    kafka:
                      topic: t
                  - name: bad brokers
                    type: kafka
                    kafka:
                      topic: t
                      brokers: localhost
                      message: x
                  - name: bad value
                    type: kafka
                    kafka:
                      topic: t
                      message: x
                      value: avro
                """);
        List<Problem> problems = fx.engine().validate(file);
        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message())
                .anySatisfy(m -> assertThat(m).startsWith("6:14 ").contains("nothing to send"))
                .anySatisfy(m -> assertThat(m).startsWith("11:16 ").contains("expected host:port"))
                .anySatisfy(m -> assertThat(m).startsWith("18:14 ").contains("json").contains("text"));
        assertThat(problems).allMatch(Problem::isError).hasSize(3);
    }
}
