package io.octoflow.trigger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.KafkaTrigger;
import io.octoflow.launch.Launcher;
import io.octoflow.logging.LogText;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;

/**
 * {@code trigger: kafka}: a camel-kafka consumer per flow (per replica, all in the flow's group), whose thread runs
 * one record (or one batch) at a time and waits for the run to end: a slow flow slows the consumer, nothing queues.
 * <p>
 * At least once: auto-commit is off; a record's offset is committed (camel-kafka's {@link KafkaManualCommit}) only
 * once its run is recorded. A record that is not to be committed (the run failed and {@code on_failure} is
 * {@code retry}, Octoflow is stopping, the launch was refused) makes the exchange fail, and camel-kafka's
 * {@code breakOnFirstError} seeks back to it: it is read again, by this consumer or, after a restart or a
 * rebalance, by another replica. A record whose value is not JSON (with {@code value: json}) is a recorded failed run.
 * <p>
 * With {@code secret}, the consumer logs in with SASL PLAIN (as the {@code kafka} step): the login is set on the
 * route's own endpoint, never in its URI (which Camel logs and shows). A login the brokers refuse stops this flow's
 * consumer with an ERROR naming the flow file and {@code trigger.kafka.secret}; the other flows go on.
 */
public final class KafkaTriggerSource implements EventSource {

    private static final Logger LOG = LogManager.getLogger(KafkaTriggerSource.class);
    static final String ROUTE_PREFIX = "octoflow-trigger-kafka-";
    private static final AtomicLong BUILDS = new AtomicLong();
    /** A batch's poll: a partial batch runs once a poll this long brings no record (latency when records trickle). */
    static final long BATCH_POLL_MILLIS = 100;

    private final CamelContext camel;
    private final Launcher launcher;
    private final SecretStore secrets;
    private final String defaultBrokers;
    private final Duration retryPause;
    private final int sessionTimeoutMillis;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, DeployedTrigger<KafkaTrigger>> consumed = new ConcurrentHashMap<>();
    private volatile boolean accepting;

    /**
     * @param defaultBrokers KAFKA_BROKERS, for triggers without {@code brokers}
     * @param retryPause     how long a record whose run failed waits before it is read again ({@code retry})
     * @param sessionTimeoutMillis how long a silent consumer keeps its partitions (session.timeout.ms)
     */
    public KafkaTriggerSource(CamelContext camel, Launcher launcher, SecretStore secrets, String defaultBrokers,
            Duration retryPause, int sessionTimeoutMillis) {
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.camel = camel;
        this.launcher = launcher;
        this.secrets = secrets;
        this.defaultBrokers = defaultBrokers;
        this.retryPause = retryPause;
    }

    @Override
    public String kind() {
        return KafkaTrigger.KIND;
    }

    @Override
    public synchronized void deploy(FlowDefinition flow) throws Exception {
        KafkaTrigger trigger = (KafkaTrigger) flow.trigger();
        DeployedTrigger<KafkaTrigger> current = consumed.get(flow.id());
        if (current != null && current.keep(flow, trigger, (deployed, now) -> deployed.equals(withoutPosition(now,
                deployed)))) {
            return;
        }
        undeploy(flow.id());
        String routeId = ROUTE_PREFIX + flow.camelId() + "-" + BUILDS.incrementAndGet();
        DeployedTrigger<KafkaTrigger> entry = new DeployedTrigger<>(flow, trigger, routeId);
        String brokers = trigger.brokers() != null ? trigger.brokers() : defaultBrokers;
        // one consumer thread; records are polled a few at a time (a batch: max_records) and run one after another
        String uri = "kafka:" + trigger.topic() + "?brokers=RAW(" + brokers + ")&groupId=RAW(" + trigger.groupId()
                + ")&clientId=RAW(" + routeId + ")&autoOffsetReset=" + trigger.start()
                + "&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true&consumersCount=1"
                + "&sessionTimeoutMs=" + sessionTimeoutMillis + "&heartbeatIntervalMs="
                + Math.max(1, Math.min(3000, sessionTimeoutMillis / 3))
                // a batch runs when it is full, when max_wait_seconds passed since the last one (batchingIntervalMs:
                // without it camel-kafka waits for a full batch while records trickle in), or when a poll of
                // BATCH_POLL_MILLIS brings nothing more
                + (trigger.batched()
                        ? "&batching=true&maxPollRecords=" + trigger.batchMaxRecords() + "&batchingIntervalMs="
                                + trigger.batchMaxWaitSeconds() * 1000L + "&pollTimeoutMs=" + BATCH_POLL_MILLIS
                        : "&maxPollRecords=100&pollTimeoutMs=1000")
                + (trigger.secret() == null && trigger.tls() ? "&securityProtocol=SSL" : "");
        if (trigger.secret() != null) {
            login(camel.getEndpoint(uri, KafkaEndpoint.class).getConfiguration(), trigger);
        }
        // flows deploy before the sources start: their consumers join the group once Octoflow launches
        boolean startNow = accepting;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a refused login (camel-kafka's poll stops on it): said once, with where to fix it
                onException(AuthenticationException.class, AuthorizationException.class).handled(true)
                        .process(exchange -> refused(entry, exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                                Exception.class)));
                from(uri).routeId(routeId).autoStartup(startNow).process(exchange -> process(exchange, entry))
                        .id(routeId + ":run");
            }
        });
        consumed.put(flow.id(), entry);
        LOG.info("{}: consumes topic {} from {} in group {} ({}, on failure: {})", LogText.oneLine(flow.path()),
                trigger.topic(), LogText.oneLine(brokers), LogText.oneLine(trigger.groupId()),
                trigger.batched() ? "batches of up to " + trigger.batchMaxRecords() : "one record per run",
                trigger.onFailure());
    }

    /** The SASL PLAIN login of {@code trigger.secret}, set on the route's endpoint (never in its URI). */
    private void login(KafkaConfiguration configuration, KafkaTrigger trigger) {
        String username;
        String password;
        try {
            Secret secret = secrets.get(trigger.secret());
            username = secret.field("username");
            password = secret.field("password");
        } catch (SecretException e) {
            throw new IllegalArgumentException("trigger.kafka.secret (line " + trigger.at().line() + "): "
                    + e.getMessage() + "; expected a secrets.yml credential with username and password");
        }
        configuration.setSecurityProtocol(trigger.tls() ? "SASL_SSL" : "SASL_PLAINTEXT");
        configuration.setSaslMechanism("PLAIN");
        configuration.setSaslJaasConfig("org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + jaas(username) + "\" password=\"" + jaas(password) + "\";");
    }

    private static String jaas(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The brokers refused the login or the topic: this flow's consumer stops, the others go on. */
    private void refused(DeployedTrigger<KafkaTrigger> entry, Exception e) {
        KafkaTrigger trigger = entry.trigger;
        entry.stopped = true;
        LOG.error("{}: trigger.kafka (line {}): the brokers {} refused {}: {}; its Kafka consumer stops (fix it and"
                + " save the flow file again)", LogText.oneLine(entry.flow.path()), trigger.at().line(),
                LogText.oneLine(trigger.brokers() != null ? trigger.brokers() : defaultBrokers),
                trigger.secret() == null ? "to serve it without a login (no trigger.kafka.secret)"
                        : "the login of trigger.kafka.secret '" + LogText.oneLine(trigger.secret())
                                + "' (secrets.yml)",
                LogText.oneLine(e == null ? "no reason given" : ErrorText.of(e)));
        Thread stopper = new Thread(() -> stopRoute(entry), "octoflow-kafka-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** {@code trigger} as compared with a deployed one: where it is written does not matter. */
    private static KafkaTrigger withoutPosition(KafkaTrigger trigger, KafkaTrigger deployed) {
        return new KafkaTrigger(trigger.topic(), trigger.brokers(), trigger.groupId(), trigger.start(),
                trigger.value(), trigger.onFailure(), trigger.batchMaxRecords(), trigger.batchMaxWaitSeconds(),
                trigger.secret(), trigger.tls(), deployed.at());
    }

    @Override
    public synchronized void undeploy(String flowId) {
        DeployedTrigger<KafkaTrigger> entry = consumed.remove(flowId);
        if (entry == null) {
            return;
        }
        entry.stopped = true;
        stopRoute(entry);
    }

    private void stopRoute(DeployedTrigger<KafkaTrigger> entry) {
        entry.stopRoute(camel, "its Kafka consumer");
    }

    @Override
    public synchronized void start() throws Exception {
        accepting = true;
        for (DeployedTrigger<KafkaTrigger> entry : consumed.values()) {
            camel.getRouteController().startRoute(entry.routeId);
        }
    }

    @Override
    public void stop() {
        accepting = false;
    }

    /** One record, or one batch (a list of record exchanges): run, waited for, committed or read again. */
    private void process(Exchange exchange, DeployedTrigger<KafkaTrigger> entry) throws Exception {
        if (!accepting || entry.stopped) {
            throw new IllegalStateException("not consuming: the record is left uncommitted for the next start");
        }
        FlowDefinition flow = entry.flow;
        List<Message> records = new ArrayList<>();
        Object body = exchange.getMessage().getBody();
        if (entry.trigger.batched()) {
            for (Object child : (List<?>) body) {
                records.add(((Exchange) child).getMessage());
            }
            if (records.isEmpty()) {
                return;
            }
        } else {
            records.add(exchange.getMessage());
        }
        Map<String, Object> event = TriggerEvent.of(KafkaTrigger.KIND);
        event.put("topic", entry.trigger.topic());
        String malformed = null;
        Object input;
        if (entry.trigger.batched()) {
            List<Object> values = new ArrayList<>();
            List<Map<String, Object>> metadata = new ArrayList<>();
            for (Message record : records) {
                Map<String, Object> one = new LinkedHashMap<>();
                position(record, one);
                metadata.add(one);
                try {
                    values.add(value(record, entry.trigger));
                } catch (MalformedValue e) {
                    malformed = malformed != null ? malformed : e.getMessage();
                    values.add(record.getBody(String.class));
                }
            }
            event.put("records", metadata);
            input = values;
        } else {
            position(records.get(0), event);
            Object value;
            try {
                value = value(records.get(0), entry.trigger);
            } catch (MalformedValue e) {
                malformed = e.getMessage();
                value = records.get(0).getBody(String.class);
            }
            input = value;
        }
        // the offset is committed once the run has ended: its end is made durable before that (callerWaits)
        Launcher.Launch launch = malformed == null ? launcher.launch(flow, input, Trigger.KAFKA, event, true)
                : launcher.launchFailed(flow, malformed, input, Trigger.KAFKA, event, true);
        if (!launch.admitted()) {
            pause();
            throw new IllegalStateException("record left uncommitted, to be read again: " + launch.refusal());
        }
        RunResult result;
        try {
            result = launch.done().get();
        } catch (ExecutionException e) {
            result = null;
        }
        boolean ok = result != null && result.status().ok();
        if (!ok) {
            switch (entry.trigger.onFailure()) {
                case KafkaTrigger.SKIP -> LOG.warn("{}: the run of {} failed; skipped (on_failure: skip)",
                        LogText.oneLine(flow.path()), describe(records));
                case KafkaTrigger.STOP -> {
                    entry.stopped = true;
                    LOG.error("{}: the run of {} failed; its Kafka consumer stops (on_failure: stop), the record"
                            + " uncommitted; deploy the flow again to resume", LogText.oneLine(flow.path()),
                            describe(records));
                    // not from the consumer's own thread, which waits for this exchange
                    Thread stopper = new Thread(() -> stopRoute(entry), "octoflow-kafka-stop");
                    stopper.setDaemon(true);
                    stopper.start();
                    throw new IllegalStateException("on_failure: stop");
                }
                default -> {
                    pause();
                    throw new IllegalStateException("the run failed; the record is read again (on_failure: retry)");
                }
            }
        }
        commit(records);
    }

    /** The last offset of each partition the records are from: each committed once (sync). */
    private static void commit(List<Message> records) {
        Map<Integer, KafkaManualCommit> last = new LinkedHashMap<>();
        for (Message record : records) {
            KafkaManualCommit commit = record.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                last.put(record.getHeader(KafkaConstants.PARTITION, Integer.class), commit);
            }
        }
        last.values().forEach(KafkaManualCommit::commit);
    }

    private void pause() throws InterruptedException {
        Thread.sleep(retryPause.toMillis());
    }

    private static void position(Message record, Map<String, Object> into) {
        into.put("partition", record.getHeader(KafkaConstants.PARTITION, Integer.class));
        into.put("offset", record.getHeader(KafkaConstants.OFFSET, Long.class));
        Object key = record.getHeader(KafkaConstants.KEY);
        into.put("key", key == null ? null : key.toString());
        Long timestamp = record.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        into.put("timestamp", timestamp == null ? null : java.time.Instant.ofEpochMilli(timestamp).toString());
    }

    private static String describe(List<Message> records) {
        Message first = records.get(0);
        String at = "partition " + first.getHeader(KafkaConstants.PARTITION) + " offset "
                + first.getHeader(KafkaConstants.OFFSET);
        return records.size() == 1 ? "the record at " + at : records.size() + " records from " + at;
    }

    private Object value(Message record, KafkaTrigger trigger) throws MalformedValue {
        String text = record.getBody(String.class);
        if (!KafkaTrigger.JSON.equals(trigger.value())) {
            return text;
        }
        if (text == null) {
            throw new MalformedValue("the record at partition " + record.getHeader(KafkaConstants.PARTITION)
                    + " offset " + record.getHeader(KafkaConstants.OFFSET) + " has no value; expected JSON"
                    + " (value: json)");
        }
        try {
            return json.readValue(text, Object.class);
        } catch (java.io.IOException e) {
            throw new MalformedValue("the record at partition " + record.getHeader(KafkaConstants.PARTITION)
                    + " offset " + record.getHeader(KafkaConstants.OFFSET) + " is not JSON (value: json): "
                    + LogText.oneLine(ErrorText.of(e)));
        }
    }

    private static final class MalformedValue extends Exception {
        MalformedValue(String message) {
            super(message, null, false, false);
        }
    }
}
