package io.octoflow.flow;

import java.util.List;
import java.util.regex.Pattern;

import io.octoflow.flow.Key.Kind;

/**
 * {@code trigger: {kafka: {topic, brokers?, group_id?, start?, value?, on_failure?, batch?, secret?, tls?}}}: one run per record of
 * a Kafka topic (or per batch of records: a list), the record value its {@code __input__}. The consumer joins the
 * group {@code group_id}, so the replicas of a cluster share the partitions and each record runs once; its offset is
 * committed only after the run is recorded (at least once).
 *
 * @param brokers          bootstrap servers, null: KAFKA_BROKERS
 * @param groupId          the consumer group (default: {@code octoflow-<flow name>})
 * @param start            {@code earliest} or {@code latest}: where a group without committed offsets begins
 * @param value            {@code json} (parsed; not JSON: a failed run) or {@code text}
 * @param onFailure        a failed run: {@code retry} (the record again), {@code skip} (commit, go on) or
 *                         {@code stop} (the consumer stops, an ERROR says why)
 * @param batchMaxRecords  null: one run per record; else up to this many records per run
 * @param batchMaxWaitSeconds how long a batch waits to fill before it runs with what it has
 * @param secret           a secrets.yml credential (username, password): the SASL PLAIN login; null: none
 * @param tls              connect with TLS (SASL_SSL with a secret, SSL without)
 */
public record KafkaTrigger(String topic, String brokers, String groupId, String start, String value,
        String onFailure, Integer batchMaxRecords, Integer batchMaxWaitSeconds, String secret, boolean tls, At at)
        implements TriggerDefinition {

    public static final String KIND = "kafka";
    public static final String RETRY = "retry";
    public static final String SKIP = "skip";
    public static final String STOP = "stop";
    public static final String JSON = "json";
    /** Kafka's own rule for topic names. */
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    @Override
    public String kind() {
        return KIND;
    }

    public boolean batched() {
        return batchMaxRecords != null;
    }

    static final class Format implements TriggerFormat {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String description() {
            return "Run once per record (or batch of records) of a Kafka topic; the record value is __input__, the"
                    + " offset committed after the run is recorded.";
        }

        @Override
        public List<Key> keys() {
            return List.of(
                    Key.required("topic", Kind.STRING, "The topic consumed (letters, digits, '.', '_', '-')."),
                    Key.optional("brokers", Kind.STRING, "KAFKA_BROKERS", "Bootstrap servers, host:port,"
                            + " comma-separated."),
                    Key.optional("group_id", Kind.STRING, "octoflow-<flow name>", "The consumer group; every"
                            + " replica joins it, so each record is handled once in the cluster."),
                    Key.oneOf("start", "latest", List.of("earliest", "latest"), "Where a group without committed"
                            + " offsets begins: the first record kept, or the next one written."),
                    Key.oneOf("value", JSON, List.of(JSON, "text"), "json: the value parsed (a value that is not"
                            + " JSON is a failed run); text: the value as it is."),
                    Key.oneOf("on_failure", RETRY, List.of(RETRY, SKIP, STOP), "A failed run: retry (the same"
                            + " record again, after a pause), skip (its offset committed, the next record), stop"
                            + " (the consumer stops until the flow is deployed again; an ERROR log says why)."),
                    Key.optional("batch", Kind.MAPPING, "One run per batch of records, __input__ a list of the"
                            + " values and __trigger__.records their metadata.").with(
                            Key.optional("max_records", Kind.INTEGER, 100, "The most records in a batch.")
                                    .range(1, 10_000),
                            Key.optional("max_wait_seconds", Kind.INTEGER, 1, "How long a batch waits to fill"
                                    + " before it runs with what it has.").range(1, 3600)).strict(),
                    Key.optional("secret", Kind.STRING, "A secrets.yml credential (username, password): the SASL"
                            + " PLAIN login, as the kafka step's; default: no authentication."),
                    Key.optional("tls", Kind.BOOLEAN, false, "Connect with TLS (SASL_SSL with a secret, SSL"
                            + " without); the JVM's trust store checks the brokers."));
        }

        @Override
        public TriggerDefinition compile(YNode block, TriggerCompiler compiler) {
            YNode topicNode = block.get("topic");
            String topic = topicNode.text();
            boolean ok = true;
            if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                compiler.problem(topicNode, "trigger.kafka.topic: expected a topic name (letters, digits, '.', '_'"
                        + " or '-', up to 249), found '" + topic + "'");
                ok = false;
            }
            YNode brokersNode = block.get("brokers");
            String brokers = brokersNode == null ? null : brokersNode.text();
            if (brokers != null && !brokers.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*")) {
                compiler.problem(brokersNode, "trigger.kafka.brokers: expected host:port[,host:port...], found '"
                        + brokers + "'");
                ok = false;
            }
            YNode groupNode = block.get("group_id");
            String groupId = groupNode == null ? "octoflow-" + compiler.flowName() : groupNode.text();
            if (groupId.isBlank()) {
                compiler.problem(groupNode, "trigger.kafka.group_id: expected a consumer group name, found an empty"
                        + " string");
                ok = false;
            }
            YNode secretNode = block.get("secret");
            String secret = secretNode == null ? null : secretNode.text();
            if (secret != null && secret.isBlank()) {
                compiler.problem(secretNode, "trigger.kafka.secret: expected the name of a secrets.yml entry,"
                        + " found an empty string");
                ok = false;
            }
            boolean tls = block.get("tls") != null && Boolean.TRUE.equals(block.get("tls").scalar());
            Integer maxRecords = null;
            Integer maxWait = null;
            YNode batch = block.get("batch");
            if (batch != null) {
                if (!batch.isMapping()) {
                    return null; // the key checker reported it
                }
                YNode records = batch.get("max_records");
                YNode wait = batch.get("max_wait_seconds");
                maxRecords = records == null ? 100 : ((Number) records.scalar()).intValue();
                maxWait = wait == null ? 1 : ((Number) wait.scalar()).intValue();
                if (maxRecords < 1 || maxRecords > 10_000 || maxWait < 1 || maxWait > 3600) {
                    return null; // out of range: reported by the key checker
                }
            }
            return ok ? new KafkaTrigger(topic, brokers, groupId, text(block, "start", "latest"),
                    text(block, "value", JSON), text(block, "on_failure", RETRY), maxRecords, maxWait,
                    secret, tls, compiler.at(block)) : null;
        }

        private static String text(YNode block, String key, String otherwise) {
            YNode node = block.get(key);
            return node == null ? otherwise : node.text();
        }
    }
}
