package io.octoflow.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The rules of RuleComparison, so that the conformance figure means what it says. */
class RuleComparisonTest {

    private final ObjectMapper json = new ObjectMapper();
    private final RuleComparison comparison = new RuleComparison(json);

    private JsonNode expected(String status, String data, String files, String requests, boolean ordered) throws Exception {
        ObjectNode e = json.createObjectNode();
        e.put("status", status);
        e.putNull("message");
        e.set("data", json.readTree(data));
        e.set("files", json.readTree(files));
        e.put("requests_ordered", ordered);
        e.set("requests", json.readTree(requests));
        return e;
    }

    private RuleRun.Outcome actual(String status, String data, String files, String requests) throws Exception {
        return new RuleRun.Outcome(status, null, json.readTree(data), (ObjectNode) json.readTree(files),
                (ArrayNode) json.readTree(requests), null);
    }

    @Test
    void equalOutcomesHaveNoDifference() throws Exception {
        JsonNode e = expected("success", "{\"a\": [1, 2.5, \"x\"], \"__errors__\": []}", "{}", "[]", true);
        assertThat(comparison.firstDifference(e, actual("success", "{\"__errors__\": [], \"a\": [1, 2.5, \"x\"]}",
                "{}", "[]"))).isNull();
    }

    @Test
    void anIntegerIsNotAFloatAndTextIsNotABoolean() throws Exception {
        JsonNode e = expected("success", "{\"n\": 1, \"t\": \"True\"}", "{}", "[]", true);
        assertThat(comparison.firstDifference(e, actual("success", "{\"n\": 1.0, \"t\": \"True\"}", "{}", "[]")))
                .startsWith("data.n:");
        assertThat(comparison.firstDifference(e, actual("success", "{\"n\": 1, \"t\": true}", "{}", "[]")))
                .startsWith("data.t:");
    }

    @Test
    void onlyTheKindOfANonHttpErrorDetailIsCompared() throws Exception {
        JsonNode e = expected("failed", "{\"__errors__\": [{\"step\": \"s\", \"error\": \"Python text\"}]}", "{}", "[]", true);
        assertThat(comparison.firstDifference(e, actual("failed",
                "{\"__errors__\": [{\"step\": \"s\", \"error\": \"Octoflow text\"}]}", "{}", "[]"))).isNull();
        assertThat(comparison.firstDifference(e, actual("failed",
                "{\"__errors__\": [{\"step\": \"other\", \"error\": \"x\"}]}", "{}", "[]"))).contains("step");
        JsonNode http = expected("failed",
                "{\"__errors__\": [{\"step\": \"s\", \"error\": {\"status_code\": 404, \"response_content\": {}}}]}",
                "{}", "[]", true);
        assertThat(comparison.firstDifference(http, actual("failed",
                "{\"__errors__\": [{\"step\": \"s\", \"error\": \"HTTP 404\"}]}", "{}", "[]"))).contains("error");
    }

    @Test
    void filesAreEqualOnceParsedElseByText() throws Exception {
        String yaml = "{\"out.yml\": {\"text\": \"a: '10'\\nb: 1\\n\", \"parsed\": {\"format\": \"yaml\"}}}";
        JsonNode e = expected("success", "{}", yaml, "[]", true);
        assertThat(comparison.firstDifference(e, actual("success", "{}",
                "{\"out.yml\": {\"text\": \"b: 1.0\\na: \\\"10\\\"\\n\"}}", "[]"))).isNull();
        assertThat(comparison.firstDifference(e, actual("success", "{}",
                "{\"out.yml\": {\"text\": \"a: 10\\nb: 1\\n\"}}", "[]"))).contains("out.yml");
        JsonNode appended = expected("success", "{}",
                "{\"log.json\": {\"text\": \"{}{}\", \"parsed\": {\"format\": \"unparsable\"}}}", "[]", true);
        assertThat(comparison.firstDifference(appended, actual("success", "{}",
                "{\"log.json\": {\"text\": \"{}\\n{}\"}}", "[]"))).contains("log.json");
    }

    @Test
    void requestsKeepTheirOrderUnlessFlowLoopRanThem() throws Exception {
        String two = "[{\"method\": \"GET\", \"path\": \"/a\"}, {\"method\": \"GET\", \"path\": \"/b\"}]";
        String swapped = "[{\"method\": \"GET\", \"path\": \"/b\"}, {\"method\": \"GET\", \"path\": \"/a\"}]";
        assertThat(comparison.firstDifference(expected("success", "{}", "{}", two, true),
                actual("success", "{}", "{}", swapped))).startsWith("requests[0]");
        assertThat(comparison.firstDifference(expected("success", "{}", "{}", two, false),
                actual("success", "{}", "{}", swapped))).isNull();
    }

    @Test
    void aRejectedFlowEqualsOnlyASpoolerFailure() throws Exception {
        RuleRun.Outcome rejected = new RuleRun.Outcome("failed", null, null, json.createObjectNode(),
                json.createArrayNode(), "flow.yml:1:1: bad");
        assertThat(comparison.firstDifference(expected("failed", "{}", "{}", "[]", true), rejected)).isNull();
        assertThat(comparison.firstDifference(expected("success", "{}", "{}", "[]", true), rejected))
                .contains("rejected");
    }
}
