package io.octoflow.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}, negotiated as the Prometheus Java client's scrape handler does (its
 * {@code ExpositionFormats.findWriter}): OpenMetrics when {@code Accept} names {@code application/openmetrics-text},
 * the text format 0.0.4 for anything else ({@code text/plain}, {@code *}{@code /*}, no {@code Accept}, a type it
 * does not know): a scraper always gets metrics, never a 406. (The client also offers its protobuf format; every
 * Prometheus that asks for it accepts text as well.)
 */
final class ScrapeEndpoint implements Handler<RoutingContext> {

    /** The content types of the Prometheus client's two text writers; Micrometer picks its writer by them. */
    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_100 = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    ScrapeEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    static String contentType(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_100 : TEXT_004;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String type = contentType(ctx.request().getHeader("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(body, type);
        } catch (IOException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().putHeader("Content-Type", type).end(Buffer.buffer(body.toByteArray()));
    }
}
