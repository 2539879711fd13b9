package io.octoflow.api;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A request's JSON object, read strictly: malformed JSON, unknown fields and wrong types are 400s. */
final class JsonBody {

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
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
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
        if (!value.isIntegralNumber() || value.asLong() <= 0) {
            throw new ApiException(400, "field '" + field + "': expected a positive whole number");
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
        if (!value.isIntegralNumber()) {
            throw new ApiException(400, "field '" + field + "': expected a whole number");
        }
        return value.asLong();
    }

    Object value(ObjectMapper json, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : json.convertValue(value, Object.class);
    }
}
