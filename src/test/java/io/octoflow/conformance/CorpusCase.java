package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One run of a corpus flow: its id (by default the flow file's name without extension), the flow file, the launch
 * payload (null: launched without data), how its requests compare ({@code sequence}: in order; {@code multiset}:
 * flow_loop items run concurrently, order undefined) and canned answers that take precedence for this run only
 * (null: none).
 */
public record CorpusCase(String id, String flow, JsonNode input, String requestOrder, JsonNode answers) {

    public CorpusCase(String flow, JsonNode input, String requestOrder) {
        this(withoutExtension(flow), flow, input, requestOrder, null);
    }

    public static final String RESOURCE = "/conformance/corpus/cases.json";

    public static List<CorpusCase> all() {
        try (InputStream in = CorpusCase.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " is missing");
            }
            List<CorpusCase> cases = new ArrayList<>();
            for (JsonNode each : CorpusJson.MAPPER.readTree(in).path("cases")) {
                String order = each.path("requestOrder").asText("sequence");
                if (!order.equals("sequence") && !order.equals("multiset")) {
                    throw new IllegalStateException(RESOURCE + ": requestOrder of " + each.path("flow").asText()
                            + " is '" + order + "'; expected 'sequence' or 'multiset'");
                }
                String flow = each.path("flow").asText();
                String id = each.hasNonNull("id") ? each.get("id").asText() : withoutExtension(flow);
                cases.add(new CorpusCase(id, flow, each.get("input"), order, each.get("answers")));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static String withoutExtension(String flow) {
        int dot = flow.lastIndexOf('.');
        return dot < 0 ? flow : flow.substring(0, dot);
    }

    /** The resource path of the expected outcome recorded from the original spooler: {@code <id>.expected.json}. */
    public String expectedResource() {
        return "/conformance/corpus/" + id() + ".expected.json";
    }
}
