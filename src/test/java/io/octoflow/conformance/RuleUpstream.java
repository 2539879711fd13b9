package io.octoflow.conformance;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.octoflow.support.TestHttpServer;

/**
 * The canned upstream of a rule case on a real local HTTP server: {@code upstream.json} maps
 * {@code "METHOD /path"} to an answer ({@code status}, {@code body} sent as JSON or {@code text} with
 * {@code content_type}), or to a list of answers given in turn (the last one repeats). It answers exactly as the
 * recorder's upstream does, and describes the requests it received the way the recorder stored them.
 */
final class RuleUpstream implements AutoCloseable {

    /**
     * Request headers every HTTP client sets its own way (transport and negotiation, e.g. Java's h2c upgrade);
     * the recorder leaves out the same ones.
     */
    static final Set<String> IGNORED_HEADERS = Set.of("host", "user-agent", "accept-encoding", "accept",
            "connection", "content-length", "upgrade", "http2-settings");

    private final ObjectMapper json;
    private final TestHttpServer server = TestHttpServer.start();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    RuleUpstream(ObjectMapper json, JsonNode answers) {
        this.json = json;
        Map<String, Map<String, JsonNode>> byPath = new LinkedHashMap<>();
        if (answers != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = answers.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String[] methodPath = entry.getKey().split(" ", 2);
                byPath.computeIfAbsent(methodPath[1], p -> new LinkedHashMap<>()).put(methodPath[0], entry.getValue());
            }
        }
        byPath.forEach((path, byMethod) -> server.respond(path, request -> answer(request, byMethod)));
    }

    int port() {
        return server.port();
    }

    private TestHttpServer.Response answer(TestHttpServer.Request request, Map<String, JsonNode> byMethod) {
        String key = request.method() + " " + request.path();
        JsonNode entry = byMethod.get(request.method());
        if (entry == null) {
            return new TestHttpServer.Response(404, "application/json",
                    json.createObjectNode().put("error", "no canned answer for " + key).toString());
        }
        if (entry.isArray()) {
            int n = calls.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
            entry = entry.get(Math.min(n, entry.size() - 1));
        }
        int status = entry.path("status").asInt(200);
        JsonNode contentType = entry.get("content_type");
        if (entry.has("text")) {
            return new TestHttpServer.Response(status,
                    contentType == null ? "text/plain" : contentType.isNull() ? null : contentType.asText(),
                    entry.get("text").asText());
        }
        if (entry.has("body")) {
            return new TestHttpServer.Response(status,
                    contentType == null ? "application/json" : contentType.isNull() ? null : contentType.asText(),
                    entry.get("body").toString());
        }
        return new TestHttpServer.Response(status, contentType == null || contentType.isNull() ? null
                : contentType.asText(), "");
    }

    /** The requests received, each as {method, path, query: [[k, v]...], headers: {name: value}, body}. */
    ArrayNode requests() {
        ArrayNode list = json.createArrayNode();
        for (TestHttpServer.Request request : server.requests()) {
            ObjectNode one = list.addObject();
            one.put("method", request.method());
            one.put("path", request.path());
            ArrayNode query = one.putArray("query");
            for (String[] pair : queryPairs(request.query())) {
                query.addArray().add(pair[0]).add(pair[1]);
            }
            ObjectNode headers = one.putObject("headers");
            Map<String, String> kept = new TreeMap<>();
            request.headers().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!IGNORED_HEADERS.contains(lower) && !values.isEmpty()) {
                    kept.put(lower, lower.equals("content-type") ? mediaType(values.get(0)) : values.get(0));
                }
            });
            kept.forEach(headers::put);
            one.set("body", body(request.body()));
        }
        return list;
    }

    /** Content-Type without its parameters ("; charset=UTF-8"), as the corpus suite compares it. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }

    private JsonNode body(String text) {
        if (text == null || text.isEmpty()) {
            return json.nullNode();
        }
        try {
            return json.readTree(text);
        } catch (Exception e) {
            return json.getNodeFactory().textNode(text);
        }
    }

    /** Like Python's parse_qsl(query, keep_blank_values=True): '+' and %XX decoded, empty pairs skipped. */
    static List<String[]> queryPairs(String query) {
        List<String[]> pairs = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return pairs;
        }
        for (String part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {decode(key), decode(value)});
        }
        return pairs;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
