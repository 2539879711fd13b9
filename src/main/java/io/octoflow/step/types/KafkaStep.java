package io.octoflow.step.types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Produces records to Kafka through camel-kafka: one record, or one per item when {@code data_key} names a list.
 * The topic, key, headers and {@code message} are templates rendered per record (the list item is {@code item});
 * the value is sent as JSON or as text. The step waits for the brokers' acknowledgements (acks=all and the
 * idempotent producer by default: a retried send is not written twice) and its result is the list of
 * {topic, partition, offset} of the records, in order.
 */
public final class KafkaStep implements StepType<KafkaStep.Settings> {

    /** The name the list item (or the data_key value) has in the templates. */
    static final String ITEM = "item";
    static final List<String> VALUES = List.of("json", "text");
    static final List<String> ACKS = List.of("all", "1", "0");

    record Settings(Template topic, String brokers, Template key, Map<String, Template> headers,
            TemplatedValue message, String value, String acks, int timeoutSeconds, String secret, boolean tls) {
    }

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Produces one Kafka record, or one per item of a list; the result is each record's topic, partition"
                + " and offset.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("topic", Kind.STRING, "The topic (templated, per record)."),
                Key.optional("brokers", Kind.STRING, "KAFKA_BROKERS", "Bootstrap servers, host:port,"
                        + " comma-separated."),
                Key.optional("data_key", Kind.STRING, "The value to send: a list sends one record per item,"
                        + " anything else one record."),
                Key.optional("message", Kind.ANY, "The record's value (templated; the item is 'item'); default:"
                        + " the item itself. Without data_key, the only record."),
                Key.optional("key", Kind.STRING, "The record's key (templated; the item is 'item'); default: none."),
                Key.optional("headers", Kind.STRING_MAPPING, "Record headers, name -> text (templated)."),
                Key.oneOf("value", "json", VALUES, "json: the value written as JSON; text: a string (or number,"
                        + " true/false) sent as it is."),
                Key.oneOf("acks", "all", ACKS, "Acknowledgements the step waits for: all (with the idempotent"
                        + " producer), 1 (the leader), 0 (none; the offsets are then -1)."),
                Key.optional("timeout_seconds", Kind.INTEGER, 30, "How long a send may wait for the brokers"
                        + " (metadata, delivery) before the step fails.").range(1, 3600),
                Key.optional("secret", Kind.STRING, "A secrets.yml credential (username, password): SASL PLAIN"
                        + " login; default: no authentication."),
                Key.optional("tls", Kind.BOOLEAN, false, "Connect with TLS (SASL_SSL with a secret, SSL"
                        + " without)."));
    }

    @Override
    public String example() {
        return """
                - name: publish amounts
                  type: kafka
                  result_key: published
                  kafka:
                    topic: events
                    data_key: events
                    key: "{{ item.id }}"
                    headers:
                      source: "{{ __flow_path__ }}"
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        Template topic = compiler.template(block.get("topic"));
        if (block.get("data_key") == null && block.get("message") == null) {
            compiler.problem(block.get("topic"), "kafka: nothing to send: expected 'data_key' (the value, or a list"
                    + " of values) or 'message'");
        }
        String brokers = block.get("brokers") == null ? null : block.get("brokers").text().trim();
        if (brokers != null && !brokers.matches("[^\\s,]+:\\d+(,\\s*[^\\s,]+:\\d+)*")) {
            compiler.problem(block.get("brokers"), "kafka.brokers: expected host:port, comma-separated, found '"
                    + brokers + "'");
        }
        Template key = block.get("key") == null ? null : compiler.template(block.get("key"));
        Map<String, Template> headers = new LinkedHashMap<>();
        if (block.get("headers") != null) {
            block.get("headers").entries().forEach((name, value) -> headers.put(name, compiler.template(
                    value.isString() ? value : YNode.scalar(String.valueOf(value.scalar()), value.line(),
                            value.column()))));
        }
        TemplatedValue message = block.get("message") == null ? null
                : TemplatedValue.compile(compiler, block.get("message"));
        String value = text(block, "value", "json");
        String acks = text(block, "acks", "all");
        int timeout = block.get("timeout_seconds") == null ? 30
                : ((Number) block.get("timeout_seconds").scalar()).intValue();
        String secret = block.get("secret") == null ? null : block.get("secret").text();
        boolean tls = block.get("tls") != null && Boolean.TRUE.equals(block.get("tls").scalar());
        return new Settings(topic, brokers, key, headers, message, value, acks, timeout, secret, tls);
    }

    private static String text(YNode block, String key, String fallback) {
        YNode node = block.get(key);
        return node == null || node.scalar() == null ? fallback : String.valueOf(node.scalar());
    }

    @Override
    public void build(StepBuild<Settings> build) {
        KafkaSend send = new KafkaSend(build);
        build.route()
                .process(send::records).id(build.id("records"))
                .doTry()
                    .to(send.endpoint()).id(build.id())
                .doCatch(Exception.class)
                    .process(send::failed).id(build.id("failed"))
                .end()
                .process(send::result).id(build.id("result"));
    }
}
