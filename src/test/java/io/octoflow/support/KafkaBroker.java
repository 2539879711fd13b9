package io.octoflow.support;

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

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;

/**
 * Apache Kafka's own broker, in-process, in KRaft mode (one combined broker and controller, from Kafka's test kit
 * {@link KafkaClusterTestKit}, the version of camel-kafka's clients) on an ephemeral port, its logs in a temp dir.
 * Start one per test class ({@code @BeforeAll}); it takes several seconds.
 */
public final class KafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static KafkaBroker start() {
        return start(Map.of());
    }

    /**
     * A broker whose client listener (EXTERNAL) takes only SASL_PLAINTEXT with the PLAIN mechanism, knowing the one
     * login {@code user}/{@code password} (it also logs in to itself with it); the controller listener stays plain.
     * Test clients log in with {@link #clientSettings(String, String)}.
     */
    public static KafkaBroker startSasl(String user, String password) {
        String login = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\" user_" + user + "=\"" + password + "\";";
        return start(Map.of("listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN", "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.external.plain.sasl.jaas.config", login));
    }

    private static KafkaBroker start(Map<String, String> extra) {
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
            extra.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "1")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka's in-process KRaft broker did not start: " + e, e);
        }
    }

    /** host:port of the broker (KAFKA_BROKERS, a step's brokers). */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Every record of {@code topic} from the beginning, read by a plain KafkaConsumer until {@code count} came. */
    public List<ConsumerRecord<String, String>> read(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
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

    /** The client settings of a test's own producer or consumer. */
    public Map<String, Object> clientSettings() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /** The client settings of a test's own producer or consumer on a {@link #startSasl} broker. */
    public Map<String, Object> clientSettings(String user, String password) {
        return Map.of("bootstrap.servers", bootstrapServers(), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"" + user + "\" password=\"" + password + "\";");
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka's in-process broker did not stop: " + e, e);
        }
    }
}
