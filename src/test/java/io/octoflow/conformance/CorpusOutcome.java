package io.octoflow.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one run of a corpus flow produced, normalized: status, final data, the files it wrote under DATA_PATH
 * (parsed, by normalized name) and the requests the stand-in received. Recorded from the original spooler into
 * {@code <flow>.expected.json}; produced again by Octoflow in CorpusConformanceTest.
 */
public record CorpusOutcome(String status, JsonNode data, JsonNode files, JsonNode requests) {

    public ObjectNode toJson(CorpusCase run) {
        ObjectNode node = CorpusJson.MAPPER.createObjectNode();
        node.put("id", run.id());
        node.put("flow", run.flow());
        if (run.input() != null) {
            node.set("input", run.input());
        }
        node.put("requestOrder", run.requestOrder());
        node.put("status", status);
        node.set("data", data);
        node.set("files", files);
        node.set("requests", requests);
        return node;
    }

    /** The requests as compared: in arrival order, or sorted when their order is not defined (multiset). */
    public static JsonNode requests(List<StandInRequest> received, CorpusCase run, CorpusNormalizer normalizer) {
        List<JsonNode> nodes = new ArrayList<>();
        received.forEach(r -> nodes.add(normalizer.data(r.toJson())));
        if (run.requestOrder().equals("multiset")) {
            nodes.sort(Comparator.comparing(CorpusJson::compact));
        }
        ArrayNode array = CorpusJson.MAPPER.createArrayNode();
        nodes.forEach(array::add);
        return array;
    }

    public static CorpusOutcome fromJson(JsonNode node) {
        return new CorpusOutcome(node.path("status").asText(null), node.get("data"), node.get("files"),
                node.get("requests"));
    }
}
