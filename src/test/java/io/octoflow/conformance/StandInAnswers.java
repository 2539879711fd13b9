package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The canned answers of the stand-in for Jira, AWX and ServiceNow, read from a JSON resource: the first answer
 * whose host, method, path (exact or regex) and listed query parameters match a request is sent.
 */
public final class StandInAnswers {

    /** One canned answer and the requests it is for. */
    public record Answer(String host, String method, String path, Pattern pathRegex, Map<String, String> query,
            int status, JsonNode body) {

        boolean matches(String requestHost, String requestMethod, String requestPath,
                Map<String, List<String>> requestQuery) {
            if (!host.equalsIgnoreCase(requestHost) || !method.equalsIgnoreCase(requestMethod)) {
                return false;
            }
            boolean pathMatches = path != null ? path.equals(requestPath) : pathRegex.matcher(requestPath).matches();
            if (!pathMatches) {
                return false;
            }
            for (Map.Entry<String, String> wanted : query.entrySet()) {
                List<String> values = requestQuery.get(wanted.getKey());
                if (values == null || !values.equals(List.of(wanted.getValue()))) {
                    return false;
                }
            }
            return true;
        }
    }

    public static final String RESOURCE = "/conformance/corpus/stand-in-answers.json";

    private final List<Answer> answers;

    private StandInAnswers(List<Answer> answers) {
        this.answers = List.copyOf(answers);
    }

    public static StandInAnswers fromResource() {
        try (InputStream in = StandInAnswers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " is missing");
            }
            return parse(CorpusJson.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static StandInAnswers parse(JsonNode root) {
        return new StandInAnswers(answers(root.path("answers"), RESOURCE + " answers"));
    }

    /** These answers preceded by {@code first} (a JSON array of answers; null: none), for one run. */
    public StandInAnswers withFirst(JsonNode first, String where) {
        if (first == null || first.isNull()) {
            return this;
        }
        List<Answer> all = new ArrayList<>(answers(first, where));
        all.addAll(answers);
        return new StandInAnswers(all);
    }

    private static List<Answer> answers(JsonNode array, String source) {
        List<Answer> answers = new ArrayList<>();
        int index = 0;
        for (JsonNode each : array) {
            String where = source + "[" + index++ + "]";
            String host = require(each, "host", where);
            String method = require(each, "method", where);
            String path = each.hasNonNull("path") ? each.get("path").asText() : null;
            Pattern regex = each.hasNonNull("pathRegex") ? Pattern.compile(each.get("pathRegex").asText()) : null;
            if ((path == null) == (regex == null)) {
                throw new IllegalStateException(where + ": expected exactly one of 'path' and 'pathRegex'");
            }
            Map<String, String> query = new java.util.LinkedHashMap<>();
            each.path("query").fields().forEachRemaining(e -> query.put(e.getKey(), e.getValue().asText()));
            answers.add(new Answer(host, method, path, regex, Map.copyOf(query), each.path("status").asInt(200),
                    each.get("body")));
        }
        return answers;
    }

    private static String require(JsonNode node, String field, String where) {
        if (!node.hasNonNull(field)) {
            throw new IllegalStateException(where + ": field '" + field + "' is required");
        }
        return node.get(field).asText();
    }

    /** The answer for a request, or null when none matches. */
    public Answer find(String host, String method, String path, Map<String, List<String>> query) {
        return answers.stream().filter(a -> a.matches(host, method, path, query)).findFirst().orElse(null);
    }

    /** Every host answered, for the certificate's subject alternative names. */
    public Set<String> hosts() {
        Set<String> hosts = new LinkedHashSet<>();
        answers.forEach(a -> hosts.add(a.host()));
        return hosts;
    }
}
