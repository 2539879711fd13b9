package io.octoflow.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.operations.OperationException;
import io.octoflow.execution.ErrorText;
import io.octoflow.launch.Launcher;
import io.octoflow.secret.Masker;
import io.octoflow.service.AmbiguousFlowException;

/**
 * Adds the routes of one API's operations: each answers {@code direct:<name>} with its handler's result once the
 * request is authorized. The one place where a refusal becomes an HTTP answer: {@link ApiException} as it says,
 * {@link OperationException} 404/409/400 by its reason, a name several flows share 409 with their paths, anything
 * else 500 with its message (secrets masked), logged.
 */
final class SecuredRoutes {

    private static final String IF_NONE_MATCH = "octoflow.ifNoneMatch";
    /** The exchange property: the {@link Executor} on which an async operation's answer is made (the event loop). */
    static final String ANSWER_ON = Launcher.ANSWER_ON;

    private final RouteBuilder routes;
    private final ApiAuthorization authorization;
    private final ObjectMapper json;
    private final Masker masker;
    private final Logger log;

    SecuredRoutes(RouteBuilder routes, ApiAuthorization authorization, ObjectMapper json, Masker masker) {
        this.routes = routes;
        this.authorization = authorization;
        this.json = json;
        this.masker = masker;
        this.log = LogManager.getLogger(routes.getClass());
    }

    RouteBuilder routes() {
        return routes;
    }

    /** A route answering {@code direct:<name>} with {@code handler}'s result, once the request is authorized. */
    void add(String name, ApiHandler handler) {
        routes.from("direct:" + name).routeId(name).process(exchange -> {
            var request = exchange.getMessage();
            if ("GET".equals(request.getHeader(Exchange.HTTP_METHOD, String.class))) {
                // kept before the handler's answer replaces the headers (see respond)
                exchange.setProperty(IF_NONE_MATCH, request.getHeader("If-None-Match", "", String.class));
            }
            try {
                authorization.check(exchange.getMessage());
                Object result = handler.handle(exchange);
                int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
                respond(exchange, status, result);
            } catch (Exception e) {
                refuse(exchange, name, e);
            }
        }).id(name + ":handle");
    }

    /**
     * As {@link #add}, for a handler that answers later: its route is asynchronous and the answer is made by the
     * thread that completes the handler's stage; no thread waits for it (issue 17).
     */
    void addAsync(String name, AsyncApiHandler handler) {
        routes.from("direct:" + name).routeId(name).process(new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                CompletableFuture<Object> answer;
                try {
                    authorization.check(exchange.getMessage());
                    answer = handler.handle(exchange).toCompletableFuture();
                } catch (Exception e) {
                    answerQuietly(exchange, name, null, e);
                    callback.done(true);
                    return true;
                }
                if (answer.isDone()) { // refused at once: answered on this thread
                    answer.whenComplete((result, error) -> answerQuietly(exchange, name, result, error));
                    callback.done(true);
                    return true;
                }
                // on the thread that answers (the event loop): completed on a launch thread inside Camel's launch
                // route, Camel would run the callback only once that route ends (after the run, for a 202)
                Executor answerOn = exchange.getProperty(ANSWER_ON, Executor.class);
                BiConsumer<Object, Throwable> done = (result, error) -> {
                    answerQuietly(exchange, name, result, error);
                    callback.done(false);
                };
                if (answerOn == null) {
                    answer.whenComplete(done);
                } else {
                    answer.whenCompleteAsync(done, answerOn);
                }
                return false;
            }
        }).id(name + ":handle");
    }

    /** The answer of an async handler: its result, or the HTTP answer of its error. */
    private void answerQuietly(Exchange exchange, String name, Object result, Throwable error) {
        try {
            if (error == null) {
                int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
                respond(exchange, status, result);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                        : error;
                refuse(exchange, name, cause instanceof Exception e ? e : new IllegalStateException(cause));
            }
        } catch (Exception e) {
            exchange.setException(e);
        }
    }

    /** The one place where a refusal becomes an HTTP answer (see the class comment). */
    private void refuse(Exchange exchange, String name, Exception refusal) throws JsonProcessingException {
        try {
            throw refusal;
        } catch (AmbiguousFlowException e) {
            // flows are identified by path: a shared name must be replaced by one of these
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.getMessage());
            error.put("paths", e.paths());
            respond(exchange, 409, error);
        } catch (ApiException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", e.getMessage());
            if (e.details() != null) {
                error.put("details", e.details());
            }
            respond(exchange, e.status(), error);
        } catch (OperationException e) {
            respond(exchange, status(e), Map.of("error", e.getMessage()));
        } catch (Exception e) {
            String message = masker.mask(ErrorText.of(e));
            log.error("{}: {}", name, message);
            respond(exchange, 500, Map.of("error", message));
        }
    }

    /** The HTTP status of a refused operation. */
    static int status(OperationException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
            case UNAVAILABLE -> 503;
        };
    }

    /** Sets the status of a handler's answer (200 unless set). */
    static void status(Exchange exchange, int status) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    }

    /**
     * A GET's JSON answer carries an ETag (a hash of the body); asked again with it in {@code If-None-Match}, the
     * answer is 304 without a body, so that the console's polling every few seconds costs little.
     */
    private static void etag(Exchange exchange, int status, String body) {
        String ifNoneMatch = exchange.getProperty(IF_NONE_MATCH, String.class);
        if (ifNoneMatch == null || status != 200) {
            return;
        }
        String tag = ETags.of(body);
        var message = exchange.getMessage();
        message.setHeader("ETag", tag);
        message.setHeader("Cache-Control", "no-cache"); // a browser may keep it, and must ask again each time
        if (ETags.matches(ifNoneMatch, tag)) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 304);
            message.removeHeader(Exchange.CONTENT_TYPE);
            message.setBody(null);
        }
    }

    private void respond(Exchange exchange, int status, Object body) throws JsonProcessingException {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body == null) {
            message.setBody(null);
            return;
        }
        if (body instanceof RawBody raw) {
            message.setHeader(Exchange.CONTENT_TYPE, raw.contentType());
            message.setBody(raw.content());
            return;
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        String text = json.writeValueAsString(body);
        message.setBody(text);
        etag(exchange, status, text);
    }
}
