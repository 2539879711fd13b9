package io.octoflow.trigger;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.WebhookTrigger;
import io.octoflow.launch.Launcher;
import io.octoflow.logging.LogText;
import io.octoflow.secret.Masker;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretStore;

/**
 * {@code trigger: webhook}: {@code POST /hooks/<path>} on the API port (declared with the API's operations, answered
 * by the route {@value #ENDPOINT}). Each request that passes is one launch of the flow holding that path, its JSON
 * body the run's {@code __input__}. Nothing is launched for a request that is refused: unknown path 404, missing or
 * wrong secret 401, malformed JSON 400 (a body over API_MAX_BODY_BYTES never gets here: the server answers 413).
 * The flow's concurrency decides what a busy flow does: {@code forbid} 409, {@code queue} waits, {@code allow} runs.
 * <p>
 * The secret (a secrets.yml entry, read per request so a rotated secret applies at once) is shown as
 * {@code Authorization: Bearer <secret>}, or as GitHub's {@code X-Hub-Signature-256: sha256=<HMAC-SHA256 of the
 * body>}; both compared in constant time.
 */
public final class WebhookSource extends RouteBuilder implements EventSource {

    private static final Logger LOG = LogManager.getLogger(WebhookSource.class);
    public static final String ENDPOINT = "direct:octoflow-webhook";
    public static final String PREFIX = "/hooks/";
    /** Request headers copied into {@code __trigger__.headers}: they say what the event is, never who may send it. */
    private static final List<String> SAFE_HEADERS = List.of("Content-Type", "User-Agent", "X-GitHub-Event",
            "X-GitHub-Delivery", "X-GitHub-Hook-ID", "X-Gitlab-Event", "X-Request-Id", "X-Correlation-Id");

    private final Launcher launcher;
    private final SecretStore secrets;
    private final Masker masker;
    private final int waitSeconds;
    private final int maxResultBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, FlowDefinition> hooks = new ConcurrentHashMap<>();
    private volatile boolean accepting;

    /**
     * @param waitSeconds    WEBHOOK_WAIT_SECONDS: how long {@code respond: result} waits before 504
     * @param maxResultBytes API_MAX_RESULT_BYTES: the largest answer of {@code respond: result}
     */
    public WebhookSource(Launcher launcher, SecretStore secrets, Masker masker, int waitSeconds, int maxResultBytes) {
        this.launcher = launcher;
        this.secrets = secrets;
        this.masker = masker;
        this.waitSeconds = waitSeconds;
        this.maxResultBytes = maxResultBytes;
    }

    @Override
    public String kind() {
        return WebhookTrigger.KIND;
    }

    @Override
    public void configure() {
        // asynchronous: the answer of a respond: result hook is made when its run ends, with no thread waiting
        from(ENDPOINT).routeId("octoflow-webhook").process(new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                try {
                    return handle(exchange, callback);
                } catch (RuntimeException e) {
                    exchange.setException(e); // answered 500, as Camel's consumer answers a failed route
                    callback.done(true);
                    return true;
                }
            }
        }).id("octoflow-webhook:handle");
    }

    @Override
    public void deploy(FlowDefinition flow) {
        WebhookTrigger hook = (WebhookTrigger) flow.trigger();
        undeploy(flow.id());
        // the flows directory refuses a second flow on a taken path before it gets here
        hooks.put(hook.path(), flow);
        LOG.info("{}: webhook POST {}{} ({}{})", LogText.oneLine(flow.path()), PREFIX, hook.path(),
                hook.respond(), hook.secret() != null ? ", secret '" + hook.secret() + "'" : ", no secret");
    }

    @Override
    public void undeploy(String flowId) {
        hooks.values().removeIf(flow -> flow.id().equals(flowId));
    }

    @Override
    public void start() {
        accepting = true;
    }

    @Override
    public void stop() {
        accepting = false;
    }

    /**
     * One request: checked and launched on the calling thread, answered there when it is refused, else when the
     * launch is admitted (respond: accepted) or its run ends (respond: result), by the thread that completes it.
     * True when the answer was made before the return (Camel's {@code doneSync}).
     */
    private boolean handle(Exchange exchange, AsyncCallback callback) {
        Message message = exchange.getMessage();
        String path = hookPath(message);
        byte[] body = message.getBody(byte[].class);
        Map<String, Object> event = TriggerEvent.of(WebhookTrigger.KIND);
        event.put("path", path);
        event.put("method", "POST");
        Map<String, Object> headers = new LinkedHashMap<>();
        for (String name : SAFE_HEADERS) {
            String value = message.getHeader(name, String.class);
            if (value != null) {
                headers.put(name.toLowerCase(Locale.ROOT), value);
            }
        }
        event.put("headers", headers);
        String authorization = message.getHeader("Authorization", String.class);
        String signature = message.getHeader("X-Hub-Signature-256", String.class);
        message.removeHeaders("*"); // nothing of the request goes back as a response header
        if (!accepting) {
            answer(message, 503, error("Octoflow is not accepting webhooks now (starting or stopping); retry later"));
            callback.done(true);
            return true;
        }
        FlowDefinition flow = path == null ? null : hooks.get(path);
        if (flow == null) {
            answer(message, 404, error("no webhook at " + PREFIX + (path == null ? "" : LogText.oneLine(path))));
            callback.done(true);
            return true;
        }
        WebhookTrigger hook = (WebhookTrigger) flow.trigger();
        if (hook.secret() != null) {
            byte[] secret;
            try {
                secret = secretValue(hook.secret());
            } catch (RuntimeException e) {
                LOG.error("{}: webhook {}{}: its secret cannot be read: {}", LogText.oneLine(flow.path()), PREFIX,
                        path, masker.mask(ErrorText.of(e)));
                answer(message, 500, error("the webhook's secret '" + hook.secret() + "' cannot be read; see the"
                        + " service log"));
                callback.done(true);
                return true;
            }
            if (!authorized(secret, authorization, signature, body == null ? new byte[0] : body)) {
                message.setHeader("WWW-Authenticate", "Bearer realm=\"octoflow-hooks\"");
                answer(message, 401, error(authorization == null && signature == null
                        ? "missing secret: send 'Authorization: Bearer <secret>' or 'X-Hub-Signature-256:"
                                + " sha256=<HMAC-SHA256 of the body>'"
                        : "wrong secret"));
                callback.done(true);
                return true;
            }
        }
        Object input;
        try {
            input = input(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            answer(message, 400, error("malformed JSON body: " + e.getOriginalMessage() + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + "; nothing was launched"));
            callback.done(true);
            return true;
        }
        // respond: result answers the run's end, so that end is made durable before it is told
        // answered on the event loop (see Launcher.ANSWER_ON); on a pool thread when the route has no event loop
        Executor answerOn = exchange.getProperty(Launcher.ANSWER_ON, ForkJoinPool.commonPool(), Executor.class);
        launcher.launchAsync(flow, input, Trigger.WEBHOOK, event, hook.waitsForResult())
                .whenCompleteAsync((launch, error) -> {
                    if (error != null) {
                        answer(message, 503, error("the launch could not be made: "
                                + masker.mask(ErrorText.of(error))));
                        callback.done(false);
                    } else {
                        launched(message, flow, hook, launch, answerOn, callback);
                    }
                }, answerOn);
        return false;
    }

    /** Answers an admitted launch at once (respond: accepted) or at its run's end (respond: result). */
    private void launched(Message message, FlowDefinition flow, WebhookTrigger hook, Launcher.Launch launch,
            Executor answerOn, AsyncCallback callback) {
        if (!launch.admitted()) {
            int status = launch.refusedBecause() == Launcher.Refusal.Kind.LOCKED ? 409 : 503;
            answer(message, status, error(launch.refusal()));
            callback.done(false);
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("execution_id", launch.executionId());
        answer.put("flow", flow.name());
        answer.put("path", flow.path());
        if (!hook.waitsForResult()) {
            answer.put("status", "accepted");
            answer(message, 202, answer);
            callback.done(false);
            return;
        }
        launch.done().copy().orTimeout(waitSeconds, TimeUnit.SECONDS).whenCompleteAsync((result, error) -> {
            try {
                if (error instanceof TimeoutException) {
                    answer.put("error", "the run did not end within WEBHOOK_WAIT_SECONDS=" + waitSeconds
                            + " s; it goes on: GET /api/executions/" + launch.executionId());
                    answer(message, 504, answer);
                } else if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    answer.put("error", "the run could not complete: " + masker.mask(ErrorText.of(cause)));
                    answer(message, 500, answer);
                } else {
                    answerResult(message, hook, result, answer);
                }
            } finally {
                callback.done(false);
            }
        }, answerOn);
    }

    private void answerResult(Message message, WebhookTrigger hook, RunResult result, Map<String, Object> answer) {
        if (result == null || !result.status().ok()) {
            answer.put("status", result == null ? RunStatus.FAILED.label() : result.status().label());
            answer.put("error", result == null ? "the run did not start" : result.error());
            answer(message, result != null && result.status() == RunStatus.TIMEOUT ? 504 : 500, answer);
            return;
        }
        Map<String, Object> data = result.data();
        Object value = hook.resultKey() == null ? data : data == null ? null : data.get(hook.resultKey());
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            answer.put("error", "the run's result is not JSON: " + e.getOriginalMessage());
            answer(message, 500, answer);
            return;
        }
        if (bytes.length > maxResultBytes) {
            answer.put("error", "the run's result (" + bytes.length + " bytes) is over API_MAX_RESULT_BYTES ("
                    + maxResultBytes + "); it is in GET /api/executions/" + answer.get("execution_id"));
            answer(message, 500, answer);
            return;
        }
        message.setHeader("X-Octoflow-Execution-Id", answer.get("execution_id"));
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(bytes);
    }

    /** The hook's name from the request path ({@code /hooks/<path>}); null when there is none. */
    static String hookPath(Message message) {
        String uri = message.getHeader(Exchange.HTTP_PATH, String.class);
        if (uri == null || !uri.contains(PREFIX)) {
            uri = message.getHeader(Exchange.HTTP_URI, String.class);
        }
        if (uri != null && uri.contains(PREFIX)) {
            String rest = uri.substring(uri.indexOf(PREFIX) + PREFIX.length());
            int query = rest.indexOf('?');
            return query >= 0 ? rest.substring(0, query) : rest;
        }
        return message.getHeader("path", String.class);
    }

    /** The body as JSON (an object, a list, a value); an empty body is no input ({@code __input__} is {}). */
    private Object input(byte[] body) throws JsonProcessingException {
        if (body == null || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return json.readerFor(Object.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readValue(body);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw new JsonProcessingException(e.getMessage()) {
            };
        }
    }

    private byte[] secretValue(String name) {
        Secret secret = secrets.get(name);
        String value = switch (secret.type()) {
            case "token" -> secret.field("token");
            case "api-key" -> secret.field("value");
            default -> secret.field("password");
        };
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("secret '" + name + "' (" + secret.type() + ") has no value");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The bearer secret, or the HMAC-SHA256 of the body keyed with it; compared in constant time. */
    static boolean authorized(byte[] secret, String authorization, String signature, byte[] body) {
        boolean ok = false;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            ok = MessageDigest.isEqual(given, secret);
        }
        if (!ok && signature != null && signature.regionMatches(true, 0, "sha256=", 0, 7)) {
            byte[] expected = HexFormat.of().formatHex(hmac(secret, body)).getBytes(StandardCharsets.US_ASCII);
            byte[] given = signature.substring(7).trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            ok = MessageDigest.isEqual(given, expected);
        }
        return ok;
    }

    private static byte[] hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static Map<String, Object> error(String text) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", text);
        return error;
    }

    private void answer(Message message, int status, Map<String, Object> body) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            message.setBody(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            message.setBody("{\"error\": \"cannot write the answer\"}");
        }
    }
}
