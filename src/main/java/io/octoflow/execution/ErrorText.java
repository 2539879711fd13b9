package io.octoflow.execution;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;

/** Turns an exception into the one line a user reads: what failed and why, without Camel's wrapping. */
public final class ErrorText {

    private static final int MAX_BODY = 300;

    private ErrorText() {
    }

    public static String of(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CamelExecutionException || cause instanceof RuntimeCamelException
                || cause instanceof CamelExchangeException
                || cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpOperationFailedException http) {
            String body = http.getResponseBody();
            String excerpt = body == null || body.isBlank() ? ""
                    : ": " + (body.length() > MAX_BODY ? body.substring(0, MAX_BODY) + "..." : body).strip();
            return "HTTP status " + http.getStatusCode() + " " + nullToEmpty(http.getStatusText()) + " from "
                    + http.getUri() + excerpt;
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        if (cause instanceof java.io.IOException || cause instanceof java.net.SocketTimeoutException) {
            return cause.getClass().getSimpleName() + ": " + message;
        }
        return message;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text.strip();
    }
}
