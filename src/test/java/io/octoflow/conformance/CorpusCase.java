package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One run of a corpus flow: the flow file, the launch payload (null: launched without data) and how its requests
 * compare ({@code sequence}: in order; {@code multiset}: flow_loop items run concurrently, order undefined).
 */
public record CorpusCase(String flow, JsonNode input, String requestOrder) {

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
                cases.add(new CorpusCase(each.path("flow").asText(), each.get("input"), order));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The flow's file name without its extension: the name of its expected file. */
    public String id() {
        int dot = flow.lastIndexOf('.');
        return dot < 0 ? flow : flow.substring(0, dot);
    }

    /** The resource path of the expected outcome recorded from the original spooler. */
    public String expectedResource() {
        return "/conformance/corpus/" + id() + ".expected.json";
    }
}
