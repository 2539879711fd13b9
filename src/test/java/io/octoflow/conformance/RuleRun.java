package io.octoflow.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.octoflow.execution.RunResult;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.FlowFixture;

/**
 * Runs one rule case on Octoflow's real engine (a {@link FlowFixture} in a temporary folder, the canned upstream on
 * a real local HTTP server) and describes the outcome the way {@code record.py} described the spooler's:
 * status, exit message, final data, files under DATA_PATH and the requests the upstream received, with the same
 * placeholders for volatile values.
 */
final class RuleRun {

    static final String VAULT_TOKEN = "vault-test-token";
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{14}");
    /** A flow's timestamp copied into a file, whichever flow it came from (as record.py replaces it). */
    private static final Pattern FILE_TIMESTAMP = Pattern.compile("(?<!\\d)20\\d{12}(?!\\d)");

    /** What Octoflow did; {@code rejected} holds the load error when Octoflow refused the flow file. */
    record Outcome(String status, String message, JsonNode data, ObjectNode files, ArrayNode requests,
            String rejected) {
    }

    private RuleRun() {
    }

    static Outcome run(RuleCase ruleCase, Path root, ObjectMapper json) {
        JsonNode answers = readJson(json, ruleCase.read("upstream.json"));
        try (RuleUpstream upstream = new RuleUpstream(json, answers);
                FlowFixture fixture = new FlowFixture(root)) {
            String port = String.valueOf(upstream.port());
            place(ruleCase, fixture, port);
            fixture.set("HASHICORP_VAULT_TOKEN", VAULT_TOKEN).set("FLOW_TIMEOUT_SECONDS", "20");
            String inputText = ruleCase.read("input.json");
            Object input = inputText == null ? null : json.convertValue(readJson(json, substitute(inputText, port)),
                    Object.class);
            List<String[]> replacements = new ArrayList<>();
            replacements.add(new String[] {fixture.flows().toString() + "/", "<flows>/"});
            replacements.add(new String[] {fixture.data().toString() + "/", "<data>/"});
            replacements.add(new String[] {fixture.templates().toString() + "/", "<templates>/"});
            replacements.add(new String[] {"127.0.0.1:" + port, "127.0.0.1:PORT"});

            FlowDefinition flow;
            try {
                flow = fixture.load(RuleCase.LAUNCHED_FLOW);
            } catch (RuntimeException e) {
                String text = replace(e.getMessage() == null ? e.toString() : e.getMessage(), replacements);
                return new Outcome("failed", null, null, files(fixture.data(), json, replacements),
                        normalize(upstream.requests(), replacements), text);
            }
            RunResult result = fixture.engine().run(flow, input, Map.of());
            JsonNode data = toJson(json, result.data());
            replacements.addAll(volatileValues(result.executionId(), data));
            return new Outcome(result.status().label(), result.error(), normalize(data, replacements),
                    files(fixture.data(), json, replacements), normalize(upstream.requests(), replacements), null);
        }
    }

    /** Flow files, templates, DATA_PATH files and secrets.yml (default: no secrets) where the engine reads them. */
    private static void place(RuleCase ruleCase, FlowFixture fixture, String port) {
        for (Path flow : ruleCase.topLevelFlows()) {
            copy(flow, fixture.flows().resolve(flow.getFileName().toString()));
        }
        copyTree(ruleCase.folder("flows"), fixture.flows());
        copyTree(ruleCase.folder("templates"), fixture.templates());
        copyTree(ruleCase.folder("data"), fixture.data());
        String secrets = ruleCase.read("secrets.yml");
        fixture.secretsFile(secrets == null ? "[]\n" : substitute(secrets, port));
    }

    static String substitute(String text, String port) {
        return text.replace("PORT", port);
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            files.filter(Files::isRegularFile).forEach(f -> copy(f, to.resolve(from.relativize(f).toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(ObjectMapper json, String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flow data as JSON; a value Jackson cannot write becomes its text (as the spooler's job store does). */
    private static JsonNode toJson(ObjectMapper json, Object value) {
        try {
            return json.valueToTree(value);
        } catch (IllegalArgumentException e) {
            if (value instanceof Map<?, ?> map) {
                ObjectNode object = json.createObjectNode();
                map.forEach((k, v) -> object.set(String.valueOf(k), toJson(json, v)));
                return object;
            }
            if (value instanceof List<?> list) {
                ArrayNode array = json.createArrayNode();
                list.forEach(v -> array.add(toJson(json, v)));
                return array;
            }
            return TextNode.valueOf(String.valueOf(value));
        }
    }

    /** This run's job id and every flow's timestamp, to be replaced wherever they were copied. */
    private static List<String[]> volatileValues(String executionId, JsonNode data) {
        List<String[]> found = new ArrayList<>();
        if (executionId != null) {
            found.add(new String[] {executionId, "<job_id>"});
        }
        collectTimestamps(data, found);
        return found;
    }

    private static void collectTimestamps(JsonNode node, List<String[]> found) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__timestamp__") && e.getValue().isTextual()
                        && TIMESTAMP.matcher(e.getValue().asText()).matches()) {
                    found.add(new String[] {e.getValue().asText(), "<timestamp>"});
                }
                collectTimestamps(e.getValue(), found);
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectTimestamps(n, found));
        }
    }

    /** The same normalization as record.py: placeholders for volatile values, scratch folders and the port. */
    static <T extends JsonNode> T normalize(T node, List<String[]> replacements) {
        @SuppressWarnings("unchecked")
        T result = (T) normalize(node, null, replacements);
        return result;
    }

    private static JsonNode normalize(JsonNode node, String key, List<String[]> replacements) {
        if (node == null) {
            return null;
        }
        if ("__job_id__".equals(key) && !node.isNull()) {
            return TextNode.valueOf("<job_id>");
        }
        if ("__timestamp__".equals(key) && node.isTextual() && TIMESTAMP.matcher(node.asText()).matches()) {
            return TextNode.valueOf("<timestamp>");
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), normalize(e.getValue(), e.getKey(), replacements)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(n -> copy.add(normalize(n, null, replacements)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(replace(node.asText(), replacements));
        }
        return node;
    }

    static String replace(String text, List<String[]> replacements) {
        for (String[] r : replacements) {
            text = text.replace(r[0], r[1]);
        }
        return text;
    }

    /** Every file under DATA_PATH after the run: {relative path: {text}}, text normalized (timestamps too). */
    private static ObjectNode files(Path data, ObjectMapper json, List<String[]> replacements) {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String text = replace(new String(bytes, StandardCharsets.UTF_8), replacements);
                texts.put(data.relativize(f).toString().replace('\\', '/'),
                        FILE_TIMESTAMP.matcher(text).replaceAll("<timestamp>"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode out = json.createObjectNode();
        texts.forEach((name, text) -> out.putObject(name).put("text", text));
        return out;
    }
}
