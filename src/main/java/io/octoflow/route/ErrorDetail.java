package io.octoflow.route;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.template.PythonText;

/**
 * The {@code error} of an {@code __errors__} entry, as the spooler writes it: {@code {status_code,
 * response_content}} for an HTTP status outside 2xx (the body parsed as JSON, else its text; None when empty), the
 * error text otherwise. {@link #pythonText} is what {@code ignore_errors} regexes are tried against: Python's
 * {@code str()} of the exception's attributes, {@code "{}"} for an error that has none.
 */
record ErrorDetail(Object value, String pythonText) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ErrorDetail of(Throwable error, String text) {
        HttpOperationFailedException http = http(error);
        if (http == null) {
            return new ErrorDetail(text, "{}");
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("status_code", http.getStatusCode());
        detail.put("response_content", content(http.getResponseBody()));
        return new ErrorDetail(detail, PythonText.str(detail).replace('\n', ' ').replace('\r', ' '));
    }

    private static HttpOperationFailedException http(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                return http;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    private static Object content(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return JSON.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            return body;
        }
    }
}
