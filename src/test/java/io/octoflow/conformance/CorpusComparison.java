package io.octoflow.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Compares an outcome with the one recorded from the spooler: status, final data, files and requests, each
 * exactly once normalized (JSON values equal, object key order aside; 1 and 1.0 differ). Gives the first
 * difference of each part, with where it is.
 */
public final class CorpusComparison {

    private CorpusComparison() {
    }

    /** The first difference of each part that differs, status first; empty when equal. */
    public static List<String> differences(CorpusCase run, CorpusOutcome expected, CorpusOutcome actual) {
        List<String> found = new ArrayList<>();
        if (!String.valueOf(expected.status()).equals(String.valueOf(actual.status()))) {
            found.add("status: expected " + expected.status() + " but was " + actual.status());
        }
        diff("data", expected.data(), actual.data()).ifPresent(found::add);
        diff("files", expected.files(), actual.files()).ifPresent(found::add);
        (run.requestOrder().equals("multiset")
                ? requestMultiset(expected.requests(), actual.requests())
                : diff("requests", expected.requests(), actual.requests())).ifPresent(found::add);
        return found;
    }

    /** Where two JSON values first differ, as {@code path: expected X but was Y}. */
    public static Optional<String> diff(String path, JsonNode expected, JsonNode actual) {
        if (expected == null || actual == null || expected.isMissingNode() || actual.isMissingNode()) {
            return expected == actual ? Optional.empty()
                    : Optional.of(path + ": expected " + CorpusJson.brief(expected) + " but was "
                            + CorpusJson.brief(actual));
        }
        if (expected.equals(actual)) {
            return Optional.empty();
        }
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> keys = new TreeSet<>(CorpusJson.fieldNames(expected));
            keys.addAll(CorpusJson.fieldNames(actual));
            for (String key : keys) {
                if (!actual.has(key)) {
                    return Optional.of(path + ": missing key '" + key + "' (expected "
                            + CorpusJson.brief(expected.get(key)) + ")");
                }
                if (!expected.has(key)) {
                    return Optional.of(path + ": unexpected key '" + key + "' = " + CorpusJson.brief(actual.get(key)));
                }
                Optional<String> inner = diff(path + "/" + key, expected.get(key), actual.get(key));
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                Optional<String> inner = diff(path + "/" + i, expected.get(i), actual.get(i));
                if (inner.isPresent()) {
                    return inner;
                }
            }
            return Optional.of(path + ": expected " + expected.size() + " items but was " + actual.size()
                    + (expected.size() > actual.size() ? "; first missing: " + CorpusJson.brief(expected.get(actual.size()))
                            : "; first extra: " + CorpusJson.brief(actual.get(expected.size()))));
        }
        return Optional.of(path + ": expected " + CorpusJson.brief(expected) + " but was " + CorpusJson.brief(actual));
    }

    /**
     * Requests whose order is not defined: equal as multisets. A missing request is compared with an unexpected one
     * to the same method, host and path when there is one, so the report names the field that differs.
     */
    static Optional<String> requestMultiset(JsonNode expected, JsonNode actual) {
        List<JsonNode> missing = new ArrayList<>();
        List<JsonNode> extra = new ArrayList<>();
        actual.forEach(extra::add);
        for (JsonNode wanted : expected) {
            int at = indexOf(extra, wanted);
            if (at >= 0) {
                extra.remove(at);
            } else {
                missing.add(wanted);
            }
        }
        if (missing.isEmpty() && extra.isEmpty()) {
            return Optional.empty();
        }
        if (missing.isEmpty()) {
            return Optional.of("requests: unexpected " + line(extra.get(0)) + " " + CorpusJson.brief(extra.get(0))
                    + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : ""));
        }
        JsonNode first = missing.get(0);
        for (JsonNode candidate : extra) {
            if (line(candidate).equals(line(first))) {
                return diff("requests[" + line(first) + "]", first, candidate);
            }
        }
        return Optional.of("requests: not received " + line(first) + " " + CorpusJson.brief(first)
                + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : "")
                + (extra.isEmpty() ? "" : "; received instead " + line(extra.get(0))));
    }

    private static int indexOf(List<JsonNode> nodes, JsonNode wanted) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static String line(JsonNode request) {
        return request.path("method").asText() + " " + request.path("host").asText() + request.path("path").asText();
    }
}
