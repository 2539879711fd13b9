package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;
import io.octoflow.step.StepBuild;
import io.octoflow.template.Template;

/**
 * The camel-kafka side of one {@code kafka} step: its endpoint (one producer per step, started on the first send so
 * that an unreachable broker fails a run, not the flow's loading), the list of messages one run sends (each with
 * its own key, topic and headers: {@code batchWithIndividualHeaders}), and the result read from the record
 * metadata camel-kafka puts in {@link KafkaConstants#KAFKA_RECORD_META}.
 */
final class KafkaSend {

    private static final AtomicLong BUILDS = new AtomicLong();

    private final KafkaStep.Settings settings;
    private final CamelContext camel;
    private final ObjectMapper json;
    private final SecretStore secrets;
    private final String brokers;
    private final String endpointUri;
    private volatile boolean authenticated;

    KafkaSend(StepBuild<KafkaStep.Settings> build) {
        this.settings = build.settings();
        this.camel = build.services().camelContext();
        this.json = build.services().json();
        this.secrets = build.services().secrets();
        this.brokers = settings.brokers() != null ? settings.brokers()
                : build.services().config().streams().kafkaBrokers();
        int timeoutMs = settings.timeoutSeconds() * 1000;
        boolean idempotent = settings.acks().equals("all");
        // the topic is set per record (kafka.OVERRIDE_TOPIC); the path only names the endpoint. A client id of the
        // step's own makes the endpoint (and its producer, whose SASL login is set below) the step's alone; one per
        // build, as Camel caches endpoints by URI and a reloaded flow must not keep the previous version's login.
        this.endpointUri = "kafka:octoflow?brokers=RAW(" + brokers + ")"
                + "&clientId=RAW(octoflow-" + Integer.toHexString(build.id().hashCode()) + "-"
                + BUILDS.incrementAndGet() + ")"
                + "&synchronous=true&lazyStartProducer=true&batchWithIndividualHeaders=true&recordMetadata=true"
                + "&requestRequiredAcks=" + settings.acks() + "&enableIdempotence=" + idempotent
                + "&maxBlockMs=" + timeoutMs + "&requestTimeoutMs=" + timeoutMs
                + "&deliveryTimeoutMs=" + timeoutMs + "&lingerMs=0"
                + (settings.secret() == null && settings.tls() ? "&securityProtocol=SSL" : "");
    }

    String endpoint() {
        return endpointUri;
    }

    /** Replaces the body (the step's input) with the messages to send, one per record. */
    void records(Exchange exchange) throws JsonProcessingException {
        if (settings.secret() != null && !authenticated) {
            authenticate();
        }
        FlowRun run = FlowRun.of(exchange);
        Object input = exchange.getMessage().getBody();
        exchange.getMessage().removeHeaders("*");
        List<?> items = input instanceof List<?> list ? list : java.util.Collections.singletonList(input);
        Map<String, Object> context = run.templateContext();
        List<Message> messages = new ArrayList<>(items.size());
        for (Object item : items) {
            context.put(KafkaStep.ITEM, item);
            Message message = new DefaultMessage(camel);
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic(settings.topic(), context));
            if (settings.key() != null) {
                Object key = settings.key().evaluate(context);
                if (key != null) {
                    message.setHeader(KafkaConstants.KEY, String.valueOf(key));
                }
            }
            for (Map.Entry<String, Template> header : settings.headers().entrySet()) {
                message.setHeader(header.getKey(), header.getValue().render(context));
            }
            message.setBody(value(settings.message() == null ? item : settings.message().evaluate(context)));
            messages.add(message);
        }
        exchange.getMessage().setBody(messages);
        if (!messages.isEmpty()) {
            // camel-kafka removes the header as it sends: kept for the error message
            exchange.setProperty(TOPIC, messages.get(0).getHeader(KafkaConstants.OVERRIDE_TOPIC));
        }
    }

    private static final String TOPIC = "octoflow.kafkaTopic";

    private static String topic(Template template, Map<String, Object> context) {
        String topic = template.render(context).trim();
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("kafka.topic: '" + topic + "' is not a topic name (letters, digits,"
                    + " '.', '_' and '-', at most 249)");
        }
        return topic;
    }

    private String value(Object value) throws JsonProcessingException {
        if (settings.value().equals("json")) {
            return json.writeValueAsString(value);
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value == null ? null : String.valueOf(value);
        }
        throw new IllegalArgumentException("kafka: value: text sends a string, found a "
                + (value instanceof Map ? "mapping" : value instanceof List ? "list" : value.getClass().getSimpleName())
                + " (use value: json)");
    }

    /**
     * The SASL PLAIN login, read from the secret when the step first runs, set on the step's own endpoint before its
     * producer starts: never in the endpoint's URI, so never in Camel's logs, JMX or consoles.
     */
    private synchronized void authenticate() {
        if (authenticated) {
            return;
        }
        Secret secret;
        try {
            secret = secrets.get(settings.secret());
        } catch (SecretException e) {
            throw new StepConstructionException(e.getMessage(), e);
        }
        KafkaConfiguration configuration = camel.getEndpoint(endpointUri, KafkaEndpoint.class).getConfiguration();
        configuration.setSecurityProtocol(settings.tls() ? "SASL_SSL" : "SASL_PLAINTEXT");
        configuration.setSaslMechanism("PLAIN");
        configuration.setSaslJaasConfig("org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + jaas(secret.field("username")) + "\" password=\""
                + jaas(secret.field("password")) + "\";");
        authenticated = true;
    }

    private static String jaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The body: [{topic, partition, offset}] of the records sent, in order. */
    void result(Exchange exchange) {
        Message message = exchange.getMessage();
        exchange.removeProperty(TOPIC);
        Object metadata = message.getHeader(KafkaConstants.KAFKA_RECORD_META);
        message.removeHeaders("*");
        List<Map<String, Object>> records = new ArrayList<>();
        if (metadata instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof RecordMetadata record) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("topic", record.topic());
                    row.put("partition", record.partition());
                    row.put("offset", record.hasOffset() ? record.offset() : -1L);
                    records.add(row);
                }
            }
        }
        message.setBody(records);
    }

    /** Names the brokers and the topic in the error: Kafka's own words ("Topic x not present in metadata") do not. */
    void failed(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Throwable cause = error;
        while (cause.getCause() != null && (cause instanceof java.util.concurrent.ExecutionException
                || cause instanceof org.apache.camel.RuntimeCamelException)) {
            cause = cause.getCause();
        }
        Object first = exchange.removeProperty(TOPIC);
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        throw new KafkaStepException("kafka (brokers " + brokers + (first == null ? "" : ", topic '" + first + "'")
                + "): " + text, error);
    }
}
