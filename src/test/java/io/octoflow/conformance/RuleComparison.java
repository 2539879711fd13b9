package io.octoflow.conformance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Compares what Octoflow did with what the spooler did ({@code expected.json}) and names the first difference.
 * <ul>
 * <li>status; the exit message when the status is {@code exit};</li>
 * <li>the final data, exactly (an integer is not a float; the special variables compared last), except the
 * detail of a non-HTTP error in an {@code __errors__} entry: Python's exception text (or fields) cannot be
 * reproduced, so only its not being an HTTP error's detail is compared ({@code step}, {@code ignored} and HTTP
 * error details {@code {status_code, response_content}} are compared exactly);</li>
 * <li>the files under DATA_PATH: the same names, each equal once parsed (JSON, or YAML 1.1 as PyYAML reads it;
 * numbers by value) when the spooler's file parses, else the same text;</li>
 * <li>the requests, in order unless the flows use flow_loop (its items run concurrently).</li>
 * </ul>
 * A flow Octoflow refuses to load counts as {@code failed}; if the spooler failed too, only the status is compared
 * (the spec lets Octoflow reject at load a flow the spooler fails at every run).
 */
final class RuleComparison {

    private final ObjectMapper json;

    RuleComparison(ObjectMapper json) {
        this.json = json;
    }

    /** The first difference, or null when Octoflow did what the spooler did. */
    String firstDifference(JsonNode expected, RuleRun.Outcome actual) {
        return firstDifference(expected, actual, false);
    }

    /**
     * The first difference once the flow's own special variables ({@code __errors__}, {@code __input__}...) are
     * set aside: for the report only, so that a missing special variable does not hide what else differs.
     */
    String firstDifferenceBeyondSpecials(JsonNode expected, RuleRun.Outcome actual) {
        return firstDifference(expected, actual, true);
    }

    private String firstDifference(JsonNode expected, RuleRun.Outcome actual, boolean skipSpecials) {
        String expectedStatus = expected.path("status").asText();
        if (actual.rejected() != null) {
            return expectedStatus.equals("failed") ? null
                    : "status: expected " + expectedStatus + ", Octoflow rejected the flow: " + oneLine(actual.rejected());
        }
        if (!expectedStatus.equals(actual.status())) {
            return "status: expected " + expectedStatus + ", got " + actual.status()
                    + (actual.message() == null ? "" : " (" + oneLine(actual.message()) + ")");
        }
        if (expectedStatus.equals("exit")) {
            String message = expected.path("message").asText(null);
            if (!Objects.equals(message, actual.message())) {
                return "exit message: expected " + quote(message) + ", got " + quote(actual.message());
            }
        }
        String data = skipSpecials ? diff("data", withoutSpecials(expected.get("data")), withoutSpecials(actual.data()))
                : diff("data", expected.get("data"), actual.data());
        if (data != null) {
            return data;
        }
        String files = filesDifference(expected.get("files"), actual);
        if (files != null) {
            return files;
        }
        return requestsDifference(expected, actual);
    }

    private String diff(String path, JsonNode expected, JsonNode actual) {
        if (expected == null || expected.isMissingNode()) {
            expected = json.nullNode();
        }
        if (actual == null || actual.isMissingNode()) {
            actual = json.nullNode();
        }
        if (path.matches(".*__errors__\\[\\d+]\\.error") && !isHttpError(expected)) {
            return isHttpError(actual) ? path + ": expected an error text, got " + show(actual) : null;
        }
        if (expected.isObject() && actual.isObject()) {
            // the special variables last: a missing one would otherwise hide every other difference
            TreeSet<String> names = new TreeSet<>(Comparator.comparing((String n) -> n.startsWith("__"))
                    .thenComparing(Comparator.naturalOrder()));
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String sub = path + "." + name;
                if (!expected.has(name)) {
                    return sub + ": not expected, got " + show(actual.get(name));
                }
                if (!actual.has(name)) {
                    return sub + ": missing, expected " + show(expected.get(name));
                }
                String d = diff(sub, expected.get(name), actual.get(name));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                String d = diff(path + "[" + i + "]", expected.get(i), actual.get(i));
                if (d != null) {
                    return d;
                }
            }
            return expected.size() == actual.size() ? null
                    : path + ": expected " + expected.size() + " items, got " + actual.size() + ": " + show(actual);
        }
        if (expected.isNumber() && actual.isNumber()) {
            boolean sameKind = expected.isIntegralNumber() == actual.isIntegralNumber();
            boolean sameValue = expected.decimalValue().compareTo(actual.decimalValue()) == 0
                    || (!expected.isIntegralNumber() && expected.doubleValue() == actual.doubleValue());
            return sameKind && sameValue ? null : path + ": expected " + show(expected) + ", got " + show(actual);
        }
        return expected.equals(actual) ? null : path + ": expected " + show(expected) + ", got " + show(actual);
    }

    private static JsonNode withoutSpecials(JsonNode data) {
        if (data == null || !data.isObject()) {
            return data;
        }
        ObjectNode copy = ((ObjectNode) data).deepCopy();
        List<String> specials = new ArrayList<>();
        copy.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("__")) {
                specials.add(n);
            }
        });
        copy.remove(specials);
        return copy;
    }

    /** The spooler's detail of an HTTP error; any other error's detail is Python's exception text or fields. */
    private static boolean isHttpError(JsonNode detail) {
        return detail.isObject() && detail.has("status_code");
    }

    private String filesDifference(JsonNode expectedFiles, RuleRun.Outcome actual) {
        TreeSet<String> names = new TreeSet<>();
        expectedFiles.fieldNames().forEachRemaining(names::add);
        actual.files().fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!expectedFiles.has(name)) {
                return "files: " + name + " not expected, Octoflow wrote " + show(actual.files().get(name).get("text"));
            }
            if (!actual.files().has(name)) {
                return "files: " + name + " missing, expected " + show(expectedFiles.get(name).get("text"));
            }
            String expectedText = expectedFiles.get(name).get("text").asText();
            String actualText = actual.files().get(name).get("text").asText();
            String format = expectedFiles.get(name).path("parsed").path("format").asText("");
            Object expectedValue = parse(format, expectedText);
            if (expectedValue == UNPARSABLE) {
                if (!expectedText.equals(actualText)) {
                    return "files: " + name + ": the text " + textDifference(expectedText, actualText);
                }
                continue;
            }
            Object actualValue = parse(format, actualText);
            if (actualValue == UNPARSABLE && format.equals("json")) {
                // a JSON scalar the spooler wrote as YAML ("7\n...\n"): compare both as YAML, a superset of JSON
                format = "yaml";
                expectedValue = parse(format, expectedText);
                actualValue = parse(format, actualText);
            }
            if (actualValue == UNPARSABLE) {
                return "files: " + name + ": does not parse as " + format + ": " + quote(actualText);
            }
            if (!sameValue(expectedValue, actualValue)) {
                return "files: " + name + ": parsed " + format + " differs; the text " + textDifference(expectedText, actualText);
            }
        }
        return null;
    }

    private static final Object UNPARSABLE = new Object();

    /** Where two texts first differ: the line number and both lines. */
    static String textDifference(String expected, String actual) {
        String[] want = expected.split("\n", -1);
        String[] got = actual.split("\n", -1);
        for (int i = 0; i < Math.max(want.length, got.length); i++) {
            String w = i < want.length ? want[i] : null;
            String g = i < got.length ? got[i] : null;
            if (!Objects.equals(w, g)) {
                return "differs at line " + (i + 1) + ": expected " + quote(w) + ", got " + quote(g);
            }
        }
        return "is the same";
    }

    private Object parse(String format, String text) {
        try {
            return switch (format) {
                case "json" -> json.readValue(text, Object.class);
                case "yaml" -> {
                    List<Object> documents = new ArrayList<>();
                    new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text).forEach(documents::add);
                    yield documents;
                }
                default -> UNPARSABLE;
            };
        } catch (Exception e) {
            return UNPARSABLE;
        }
    }

    /** Deep equality where numbers are equal by value (1 and 1.0), as Python compares them. */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Double d && (d.isNaN() || d.isInfinite()) || y instanceof Double e && (e.isNaN() || e.isInfinite())) {
                return x.equals(y);
            }
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof Map<?, ?> m && b instanceof Map<?, ?> n) {
            if (!m.keySet().equals(n.keySet())) {
                return false;
            }
            for (Object k : m.keySet()) {
                if (!sameValue(m.get(k), n.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> l && b instanceof List<?> r) {
            if (l.size() != r.size()) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                if (!sameValue(l.get(i), r.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Date x && b instanceof Date y) {
            return x.getTime() == y.getTime();
        }
        return Objects.equals(a, b);
    }

    private String requestsDifference(JsonNode expected, RuleRun.Outcome actual) {
        List<JsonNode> want = new ArrayList<>();
        expected.get("requests").forEach(want::add);
        List<JsonNode> got = new ArrayList<>();
        actual.requests().forEach(got::add);
        if (!expected.path("requests_ordered").asBoolean(true)) {
            Comparator<JsonNode> canonical = Comparator.comparing(RuleComparison::canonical);
            want.sort(canonical);
            got.sort(canonical);
        }
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            String d = diff("requests[" + i + "]", want.get(i), got.get(i));
            if (d != null) {
                return d;
            }
        }
        if (want.size() != got.size()) {
            return "requests: expected " + want.size() + ", got " + got.size() + ": " + summary(got);
        }
        return null;
    }

    private static String summary(List<JsonNode> requests) {
        List<String> lines = new ArrayList<>();
        requests.forEach(r -> lines.add(r.path("method").asText() + " " + r.path("path").asText()));
        return lines.toString();
    }

    /** A text with object keys sorted, to order requests the same way on both sides. */
    static String canonical(JsonNode node) {
        if (node.isObject()) {
            StringBuilder out = new StringBuilder("{");
            TreeSet<String> names = new TreeSet<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                out.append(name).append(':').append(canonical(node.get(name))).append(',');
            }
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.append(canonical(it.next())).append(',');
            }
            return out.append(']').toString();
        }
        return node.toString();
    }

    private static String show(JsonNode node) {
        return node == null ? "nothing" : clip(node.toString());
    }

    private static String quote(String text) {
        return text == null ? "null" : clip("\"" + text.replace("\n", "\\n") + "\"");
    }

    private static String oneLine(String text) {
        return clip(text.replace("\n", " | "));
    }

    private static String clip(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
