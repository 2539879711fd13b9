package io.octoflow.kubernetes.job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * The JobSpec of a {@code k8s_job} step: one container named {@value #CONTAINER} with the image, command, args,
 * env (plain values and {@code secretKeyRef}s, so a token is never written into the spec) and resources; the
 * Octoflow labels on the pods; {@code restartPolicy: Never} and {@code backoffLimit: 0} (a flow step runs once;
 * retries are the flow's business). The user's {@code job_spec} is then deep-merged over it with Jackson, the way
 * rego merges its metadata: mappings merge key by key, lists of named items (containers, volumes, env) merge by
 * name, anything else replaces.
 */
public final class JobTemplate {

    public static final String CONTAINER = "job";

    private static final ObjectMapper JSON = new ObjectMapper();

    public record SecretRef(String secret, String key) {
    }

    private JobTemplate() {
    }

    public static JobSpec build(String image, List<String> command, List<String> args, Map<String, String> env,
            Map<String, SecretRef> envSecrets, Map<String, Object> resources, Map<String, String> labels,
            Map<String, Object> jobSpec) {
        ObjectNode spec = JSON.createObjectNode();
        spec.put("backoffLimit", 0);
        ObjectNode template = spec.putObject("template");
        ObjectNode podLabels = template.putObject("metadata").putObject("labels");
        labels.forEach(podLabels::put);
        ObjectNode podSpec = template.putObject("spec");
        podSpec.put("restartPolicy", "Never");
        ObjectNode container = podSpec.putArray("containers").addObject();
        container.put("name", CONTAINER);
        container.put("image", image);
        if (command != null) {
            command.forEach(container.putArray("command")::add);
        }
        if (args != null) {
            args.forEach(container.putArray("args")::add);
        }
        if (!env.isEmpty() || !envSecrets.isEmpty()) {
            ArrayNode envList = container.putArray("env");
            env.forEach((name, value) -> envList.addObject().put("name", name).put("value", value));
            envSecrets.forEach((name, ref) -> envList.addObject().put("name", name).putObject("valueFrom")
                    .putObject("secretKeyRef").put("name", ref.secret()).put("key", ref.key()));
        }
        if (resources != null && !resources.isEmpty()) {
            container.set("resources", JSON.valueToTree(resources));
        }
        if (jobSpec != null) {
            merge(spec, JSON.valueToTree(jobSpec));
        }
        return JSON.convertValue(spec, JobSpec.class);
    }

    /** Merges {@code patch} into {@code target} (which it changes). */
    static void merge(ObjectNode target, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode current = target.get(field.getKey());
            JsonNode value = field.getValue();
            if (current instanceof ObjectNode object && value.isObject()) {
                merge(object, value);
            } else if (current instanceof ArrayNode list && value.isArray() && named(list) && named(value)) {
                target.set(field.getKey(), mergeByName(list, value));
            } else {
                target.set(field.getKey(), value.deepCopy());
            }
        }
    }

    private static boolean named(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.path("name").isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static ArrayNode mergeByName(ArrayNode base, JsonNode patch) {
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        base.forEach(item -> byName.put(item.get("name").asText(), (ObjectNode) item.deepCopy()));
        List<ObjectNode> added = new ArrayList<>();
        for (JsonNode item : patch) {
            ObjectNode existing = byName.get(item.get("name").asText());
            if (existing != null) {
                merge(existing, item);
            } else {
                added.add((ObjectNode) item.deepCopy());
            }
        }
        ArrayNode out = JSON.createArrayNode();
        byName.values().forEach(out::add);
        added.forEach(out::add);
        return out;
    }

    /**
     * Checks {@code job_spec} alone: it must convert into a JobSpec (right types). Returns the problem text, or
     * null when it fits.
     */
    public static String check(Map<String, Object> jobSpec) {
        try {
            JSON.convertValue(jobSpec, JobSpec.class);
            return null;
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof com.fasterxml.jackson.databind.JsonMappingException mapping) {
                // the dotted path of the offending value, then Jackson's reason without its source excerpt
                String path = mapping.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                        .reduce((a, b) -> a + "." + b).orElse("");
                return (path.isEmpty() ? "" : path + ": ") + mapping.getOriginalMessage();
            }
            return e.getMessage();
        }
    }

    /** The property names Jackson knows for a model class: what a key of job_spec may be at that level. */
    public static List<String> properties(Class<?> type) {
        var description = JSON.getSerializationConfig().introspect(JSON.constructType(type));
        return description.findProperties().stream().map(p -> p.getName())
                .filter(n -> !n.equals("additionalProperties")).toList();
    }
}
