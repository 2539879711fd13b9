package io.octoflow.conformance;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Replaces what differs between two runs of the same flow whoever runs it, and nothing else: a non-null
 * {@code __job_id__} becomes {@code <job_id>}, a {@code __timestamp__} of 14 digits {@code <timestamp>}, the
 * installation's flows and data directories inside strings {@code ${FLOWS_PATH}} and {@code ${DATA_PATH}}, and
 * a 14-digit timestamp inside a written file's name {@code <timestamp>}.
 */
public final class CorpusNormalizer {

    public static final String JOB_ID = "<job_id>";
    public static final String TIMESTAMP = "<timestamp>";
    private static final Pattern TIMESTAMP_VALUE = Pattern.compile("\\d{14}");
    private static final Pattern TIMESTAMP_IN_NAME = Pattern.compile("(?<!\\d)\\d{14}(?!\\d)");

    private final String flowsDir;
    private final String dataDir;

    public CorpusNormalizer(Path flowsDir, Path dataDir) {
        this.flowsDir = flowsDir.toAbsolutePath().normalize().toString();
        this.dataDir = dataDir.toAbsolutePath().normalize().toString();
    }

    public JsonNode data(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode copy = CorpusJson.MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                copy.set(field.getKey(), value(field.getKey(), field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = CorpusJson.MAPPER.createArrayNode();
            node.forEach(each -> copy.add(data(each)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(paths(node.asText()));
        }
        return node;
    }

    private JsonNode value(String key, JsonNode value) {
        if (key.equals("__job_id__") && value != null && !value.isNull()) {
            return TextNode.valueOf(JOB_ID);
        }
        if (key.equals("__timestamp__") && value != null && TIMESTAMP_VALUE.matcher(value.asText()).matches()) {
            return TextNode.valueOf(TIMESTAMP);
        }
        return data(value);
    }

    private String paths(String text) {
        return text.replace(flowsDir, "${FLOWS_PATH}").replace(dataDir, "${DATA_PATH}");
    }

    /** A written file's path relative to DATA_PATH, '/'-separated, its timestamp replaced. */
    public String fileName(String relative) {
        return TIMESTAMP_IN_NAME.matcher(relative.replace('\\', '/')).replaceAll(TIMESTAMP);
    }
}
