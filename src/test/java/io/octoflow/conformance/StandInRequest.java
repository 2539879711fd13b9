package io.octoflow.conformance;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One request the stand-in received, as compared between the spooler and Octoflow: method, host, path, decoded
 * query, the headers a flow decides (not those every HTTP client adds on its own) and the parsed body.
 */
public record StandInRequest(String method, String host, String path, Map<String, List<String>> query,
        Map<String, String> headers, JsonNode body, boolean tunnelled) {

    /**
     * Headers that HTTP clients set by themselves (python-requests and Apache HttpClient differ on them); they say
     * nothing about the flow. Everything else is recorded, so a stray header would show.
     */
    static final Set<String> CLIENT_HEADERS = Set.of("host", "user-agent", "accept", "accept-encoding",
            "connection", "content-length", "transfer-encoding", "keep-alive", "te", "upgrade", "expect",
            "proxy-connection");

    /** Query parameters decoded ('+' and %XX), in the order received, a name repeated keeping every value. */
    static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    /** The recorded headers: lower-case names, client headers left out, Content-Type reduced to its media type. */
    static Map<String, String> relevantHeaders(Map<String, List<String>> received) {
        Map<String, String> headers = new java.util.TreeMap<>();
        received.forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT);
            if (CLIENT_HEADERS.contains(key) || values == null || values.isEmpty()) {
                return;
            }
            String value = String.join(", ", values);
            if (key.equals("content-type")) {
                // "application/json" and "application/json; charset=UTF-8" carry the same JSON
                value = value.split(";")[0].trim().toLowerCase(Locale.ROOT);
            }
            headers.put(key, value);
        });
        return headers;
    }

    /** The body parsed as JSON; text that is not JSON as a string; no body as null. */
    static JsonNode parseBody(String text) {
        if (text == null || text.isEmpty()) {
            return NullNode.getInstance();
        }
        try {
            return CorpusJson.MAPPER.readTree(text);
        } catch (Exception notJson) {
            return TextNode.valueOf(text);
        }
    }

    public JsonNode toJson() {
        ObjectNode node = CorpusJson.MAPPER.createObjectNode();
        node.put("method", method);
        node.put("host", host);
        node.put("path", path);
        ObjectNode q = node.putObject("query");
        query.forEach((name, values) -> {
            if (values.size() == 1) {
                q.put(name, values.get(0));
            } else {
                ArrayNode all = q.putArray(name);
                values.forEach(all::add);
            }
        });
        ObjectNode h = node.putObject("headers");
        headers.forEach(h::put);
        node.set("body", body);
        if (!tunnelled) {
            // sent to the proxy as plain HTTP instead of through a CONNECT tunnel
            node.put("tunnelled", false);
        }
        return node;
    }

    public String summary() {
        return method + " https://" + host + path;
    }
}
