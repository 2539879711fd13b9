package io.octoflow.api;

import java.util.List;
import java.util.concurrent.Executor;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The consumer of an API operation answered asynchronously ({@link AsyncApiHandler}): as Camel's, its route starts
 * on a Vert.x worker thread (it may read files or the database before it goes async), but the worker does not wait
 * for the route's end: it returns to its pool once the route has handed its work over (a launch to the launch
 * thread), and the answer is made and written on the event loop (the exchange property
 * {@link SecuredRoutes#ANSWER_ON}) when the operation completes. Camel's own consumer blocks its
 * worker until the route ends: with {@code ?wait=true}, for the whole run (one thread parked per run, two more
 * thread hand-offs per request). Only JSON or text answers, as {@link SecuredRoutes} makes them.
 */
final class AsyncAnswerConsumer extends VertxPlatformHttpConsumer {

    private static final Logger LOG = LogManager.getLogger(AsyncAnswerConsumer.class);
    /**
     * The response headers a route may set (a webhook's 401 challenge, a run's id); never the request's own headers,
     * which stay on the message (its Authorization among them).
     */
    private static final List<String> ANSWER_HEADERS = List.of("WWW-Authenticate", "X-Octoflow-Execution-Id");

    AsyncAnswerConsumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers,
            String routerName) {
        super(endpoint, processor, handlers, routerName);
    }

    @Override
    protected void handleRequest(RoutingContext ctx) {
        if (isSuspended()) {
            ctx.response().setStatusCode(503);
            ctx.end();
            return;
        }
        Context eventLoop = ctx.vertx().getOrCreateContext();
        Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        exchange.setProperty(SecuredRoutes.ANSWER_ON, (Executor) task -> eventLoop.runOnContext(v -> task.run()));
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(ctx, exchange, read.cause());
                return;
            }
            ctx.vertx().executeBlocking(() -> {
                createUoW(exchange);
                getAsyncProcessor().process(exchange, (AsyncCallback) doneSync -> {
                    if (Vertx.currentContext() == eventLoop) {
                        respond(ctx, exchange);
                    } else {
                        eventLoop.runOnContext(v -> respond(ctx, exchange));
                    }
                });
                return null;
            }, false).onFailure(e -> fail(ctx, exchange, e));
        });
    }

    /** Writes the route's answer: its status, Content-Type and body (a String or bytes), then ends the exchange. */
    private void respond(RoutingContext ctx, Exchange exchange) {
        try {
            HttpServerResponse response = ctx.response();
            if (exchange.getException() != null) {
                LOG.error("{}: {}", getEndpoint().getPath(), exchange.getException().toString());
                response.setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("the request could not be answered");
                return;
            }
            Message message = exchange.getMessage();
            response.setStatusCode(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
            String type = message.getHeader(Exchange.CONTENT_TYPE, String.class);
            if (type != null) {
                response.putHeader("Content-Type", type);
            }
            for (String name : ANSWER_HEADERS) {
                String value = message.getHeader(name, String.class);
                if (value != null) {
                    response.putHeader(name, value);
                }
            }
            Object body = message.getBody();
            if (body == null) {
                response.end();
            } else if (body instanceof byte[] bytes) {
                response.end(Buffer.buffer(bytes));
            } else {
                response.end(message.getBody(String.class));
            }
        } catch (RuntimeException e) {
            // the client went away meanwhile (its connection closed): nobody to answer
            LOG.debug("{}: the answer could not be written: {}", getEndpoint().getPath(), e.toString());
        } finally {
            done(exchange);
        }
    }

    private void fail(RoutingContext ctx, Exchange exchange, Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(),
                failure);
        ctx.fail(failure);
        done(exchange);
    }

    private void done(Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }
}
