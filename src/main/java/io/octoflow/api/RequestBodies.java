package io.octoflow.api;

import java.util.Locale;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What the server does with request bodies before any route sees them (issue 18 #19, #14). Every body the API
 * reads is the raw text sent: a JSON object, or flow YAML for {@code POST /api/validate}. A form content type
 * (curl's {@code -d} sends {@code application/x-www-form-urlencoded} unless told otherwise) made Camel parse the
 * body into a map and its fields into headers, so the body is marked as plain bytes and read as sent. A
 * {@code multipart/form-data} body is never a JSON object or YAML: 415 naming what to send, without reading it
 * (nor writing its files to disk). A body over API_MAX_BODY_BYTES is 413 naming the setting.
 */
final class RequestBodies {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String MULTIPART = "multipart/form-data";
    static final String RAW = "application/octet-stream";

    private RequestBodies() {
    }

    /** Hands a request on (true), or answers it 415 (false). */
    static boolean admit(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return true;
        }
        String mime = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mime.equals(FORM)) {
            request.headers().set(HttpHeaders.CONTENT_TYPE, RAW);
            return true;
        }
        if (mime.equals(MULTIPART)) {
            request.handler(ignored -> { }); // the body is dropped as it arrives, never parsed nor stored
            request.response().setStatusCode(415).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"error\": \"multipart/form-data bodies are not accepted: send the JSON object (for POST"
                            + " /api/validate, the flow YAML) as the request body itself, with Content-Type:"
                            + " application/json (curl -H 'Content-Type: application/json' -d '{...}')\"}");
            return false;
        }
        return true;
    }

    /** The answer to a body over the limit (Vert.x's body handler stops reading it at the limit). */
    static void tooLarge(RoutingContext ctx, long maxBodyBytes) {
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end("{\"error\": \"the request body is over API_MAX_BODY_BYTES (" + maxBodyBytes + " bytes)\"}");
    }
}
