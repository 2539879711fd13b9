package io.octoflow.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client of a running service's REST API ({@code /api/flows}, {@code /api/executions}, {@code /api/flows/launch})
 * on the JDK's HTTP client. Answers are the API's JSON as it sent it; every failure is a {@link ServiceException}
 * whose message names the URL and the setting to change.
 */
public final class OctoflowClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Listing answers at once; a launch with {@code wait} answers when its run ends (the flow's own timeout). */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

    private final ClientSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    public OctoflowClient(ClientSettings settings) {
        this.settings = settings;
    }

    public ClientSettings settings() {
        return settings;
    }

    /** {@code GET /api/flows}: schedules, deployed flows and the files that do not validate. */
    public JsonNode flows() {
        return send(request("/api/flows", Map.of()).timeout(LIST_TIMEOUT).GET());
    }

    /** {@code GET /api/executions}, newest first; null filters are left out. */
    public JsonNode executions(String flow, String status, Integer limit) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("flow", flow);
        query.put("status", status);
        query.put("limit", limit == null ? null : limit.toString());
        return send(request("/api/executions", query).timeout(LIST_TIMEOUT).GET());
    }

    /**
     * {@code POST /api/flows/launch} of the flow a path or unique name gives, with its input; {@code wait}: the answer
     * comes when the run ends, with its status, error and final data.
     */
    public JsonNode launch(String flow, JsonNode data, boolean wait) {
        ObjectNode body = json.createObjectNode().put("flow", flow);
        if (data != null) {
            body.set("data", data);
        }
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest.Builder request = request("/api/flows/launch", wait ? Map.of("wait", "true") : Map.of())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        if (!wait) {
            request.timeout(LIST_TIMEOUT);
        }
        return send(request);
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        URI uri;
        try {
            uri = URI.create(settings.url() + path + parameters);
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ServiceException.Kind.UNREACHABLE, 0, "'" + settings.url() + "' ("
                    + settings.urlSetting() + ") is not a URL: expected http://host:port", e);
        }
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        } catch (IllegalArgumentException e) { // not http(s), no host...
            throw new ServiceException(ServiceException.Kind.UNREACHABLE, 0, "'" + settings.url() + "' ("
                    + settings.urlSetting() + ") is not an http:// or https:// URL", e);
        }
        if (settings.token() != null) {
            builder.header("Authorization", "Bearer " + settings.token());
        }
        return builder;
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new ServiceException(ServiceException.Kind.UNREACHABLE, 0, "the Octoflow service at "
                    + settings.url() + " did not answer " + request.method() + " " + request.uri().getPath()
                    + " in time", e);
        } catch (IOException e) {
            throw new ServiceException(ServiceException.Kind.UNREACHABLE, 0, "cannot reach the Octoflow service at "
                    + settings.url() + " (" + settings.urlSetting()
                    + (settings.urlSetting().equals("--url") ? "" : "; or --url") + "): " + reason(e)
                    + ". Is `octoflow run` running there?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ServiceException.Kind.UNREACHABLE, 0, "interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new ServiceException(ServiceException.Kind.UNAUTHORIZED, status, settings.token() == null
                    ? "the Octoflow service at " + settings.url() + " wants an API token and none is set: set"
                            + " API_TOKEN (or --token) to the service's token (its DATA_PATH/api-token file)"
                    : "the Octoflow service at " + settings.url() + " refused the API token from "
                            + settings.tokenSource() + " (401): it is not the service's token (API_TOKEN, or its"
                            + " DATA_PATH/api-token file)", null);
        }
        JsonNode body = parse(response.body());
        if (status >= 400) {
            String error = body != null && body.path("error").isTextual() ? body.get("error").asText()
                    : response.body().isBlank() ? "no message" : response.body().strip();
            throw new ServiceException(ServiceException.Kind.REFUSED, status, error + " (" + status + " from "
                    + request.method() + " " + settings.url() + request.uri().getPath() + ")", null);
        }
        if (body == null) {
            throw new ServiceException(ServiceException.Kind.REFUSED, status, settings.url() + request.uri().getPath()
                    + " did not answer JSON (" + status + "): is " + settings.url() + " (" + settings.urlSetting()
                    + ") an Octoflow service?", null);
        }
        return body;
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** The JDK says "java.net.ConnectException" with no message (or a ClosedChannelException) for a refused one. */
    private static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (cause instanceof java.nio.channels.UnresolvedAddressException
                    || cause instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
