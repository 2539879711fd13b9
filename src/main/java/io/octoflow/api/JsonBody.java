package io.octoflow.api;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A request's JSON object, read strictly: malformed JSON, unknown fields and wrong types are 400s. */
final class JsonBody {

    /**
     * The largest count of seconds a request may give (timeouts, intervals): 100 years. Larger values overflowed
     * into the past (issue 18 #16: a run that could neither end nor be aborted).
     */
    static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    static JsonBody parse(ObjectMapper json, String text, Set<String> allowed) {
        if (text == null || text.isBlank()) {
            throw new ApiException(400, "the request needs a JSON object body");
        }
        JsonNode node;
        try {
            // strict (issue 18 #19): a key given twice or text after the object is an error, not a silent choice
            node = json.readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .readValue(text);
        } catch (JsonProcessingException e) {
            // a limit of the parser (nesting depth, say) has no location
            JsonLocation at = e.getLocation();
            throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage() + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "expected a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(400, "unknown field '" + name + "' (expected: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
        return new JsonBody(node);
    }

    String text(String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ApiException(400, "missing field '" + field + "'");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ApiException(400, "field '" + field + "': expected a non-empty string");
        }
        return value.asText();
    }

    Long positive(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() <= 0
                || value.asLong() > MAX_SECONDS) {
            throw new ApiException(400, "field '" + field + "': expected a positive whole number up to "
                    + MAX_SECONDS);
        }
        return value.asLong();
    }

    JsonNode node() {
        return node;
    }

    /** A whole number (any sign), or null when absent. */
    Long whole(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ApiException(400, "field '" + field + "': expected a whole number between "
                    + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
        }
        return value.asLong();
    }

    Object value(ObjectMapper json, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : json.convertValue(value, Object.class);
    }
}
