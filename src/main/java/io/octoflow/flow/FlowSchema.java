package io.octoflow.flow;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * The JSON Schema (draft-07) of the flow format, generated from the same key declarations the validator uses.
 * Editors with the YAML language server use it for completion and inline checks.
 */
public final class FlowSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();

    private FlowSchema() {
    }

    public static String generate(StepFormats registry) {
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        schema.put("$id", "https://octoflow.io/schema/flow.schema.json");
        schema.put("title", "Octoflow flow");
        schema.put("description", "A flow: ordered steps run as one Apache Camel route (spooler format).");
        schema.put("type", "object");
        schema.set("properties", properties(FlowKeys.FLOW));
        // one kind per flow, as the parser checks
        ((ObjectNode) schema.get("properties").get(TriggerFormats.KEY.name())).put("minProperties", 1)
                .put("maxProperties", 1);
        ((ObjectNode) schema.get("properties")).set("steps", JSON.createObjectNode()
                .put("type", "array").put("description", "The steps, run in order.").put("minItems", 1)
                .set("items", JSON.createObjectNode().put("$ref", "#/definitions/step")));
        schema.set("required", JSON.createArrayNode().add("steps"));
        schema.put("additionalProperties", false);

        ObjectNode definitions = schema.putObject("definitions");
        definitions.set("step", step(registry, FlowKeys.STEP, "A step: common keys plus one block named after its"
                + " type."));
        definitions.set("nested_step", nestedStep());
        for (StepFormat<?> type : registry.all()) {
            ObjectNode block = JSON.createObjectNode();
            block.put("type", "object");
            block.put("description", type.description());
            block.set("properties", properties(type.keys()));
            ArrayNode required = JSON.createArrayNode();
            type.keys().stream().filter(Key::required).forEach(k -> required.add(k.name()));
            if (!required.isEmpty()) {
                block.set("required", required);
            }
            block.put("additionalProperties", false);
            ArrayNode examples = block.putArray("examples");
            try {
                for (var exampleStep : YAML.readTree(type.example())) {
                    if (exampleStep.hasNonNull(type.type())) {
                        examples.add(exampleStep.get(type.type()));
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the example of step type " + type.type() + " is not YAML", e);
            }
            definitions.set(type.type(), block);
        }
        try {
            return JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A step written inside another (a switch case): a step without the keys that handle its errors. */
    private static ObjectNode nestedStep() {
        ObjectNode nested = JSON.createObjectNode();
        nested.put("description", "A step written inside another one (a switch case): its own when and result_key;"
                + " its errors are the enclosing step's.");
        nested.putArray("allOf").addObject().put("$ref", "#/definitions/step");
        ArrayNode handling = nested.putObject("not").putArray("anyOf");
        FlowKeys.STEP.stream().filter(k -> !FlowKeys.NESTED_STEP.contains(k))
                .forEach(k -> handling.addObject().putArray("required").add(k.name()));
        return nested;
    }

    /** The definition of a step with the common {@code keys}, a type, and the block of that type. */
    private static ObjectNode step(StepFormats registry, List<Key> keys, String description) {
        ObjectNode step = JSON.createObjectNode();
        step.put("type", "object");
        step.put("description", description);
        ObjectNode stepProperties = properties(keys);
        ArrayNode typeNames = ((ObjectNode) stepProperties.get("type")).putArray("enum");
        ArrayNode rules = step.putArray("allOf");
        for (StepFormat<?> type : registry.all()) {
            typeNames.add(type.type());
            ObjectNode blockRef = JSON.createObjectNode().put("$ref", "#/definitions/" + type.type());
            if (!type.blockRequired()) {
                blockRef = JSON.createObjectNode();
                blockRef.putArray("oneOf").add(JSON.createObjectNode().put("$ref", "#/definitions/" + type.type()))
                        .add(JSON.createObjectNode().put("type", "null"));
            }
            stepProperties.set(type.type(), blockRef);

            ObjectNode rule = rules.addObject();
            rule.putObject("if").putObject("properties").putObject("type").put("const", type.type());
            ObjectNode then = rule.putObject("then");
            if (type.blockRequired()) {
                then.putArray("required").add(type.type());
            }
            ObjectNode others = then.putObject("not");
            ArrayNode anyOf = others.putArray("anyOf");
            registry.all().stream().filter(t -> t != type)
                    .forEach(t -> anyOf.addObject().putArray("required").add(t.type()));
        }
        step.set("properties", stepProperties);
        step.set("required", JSON.createArrayNode().add("name").add("type"));
        step.put("additionalProperties", false);
        return step;
    }

    /** The object schema of a key's nested block: its keys, the required ones, and no others. */
    private static ObjectNode block(Key key) {
        ObjectNode block = JSON.createObjectNode();
        block.put("type", "object");
        block.set("properties", properties(key.keys()));
        ArrayNode required = JSON.createArrayNode();
        key.keys().stream().filter(Key::required).forEach(k -> required.add(k.name()));
        if (!required.isEmpty()) {
            block.set("required", required);
        }
        block.put("additionalProperties", false);
        return block;
    }

    private static ObjectNode properties(List<Key> keys) {
        ObjectNode properties = JSON.createObjectNode();
        for (Key key : keys) {
            ObjectNode property = properties.putObject(key.name());
            switch (key.kind()) {
                case STRING -> property.put("type", "string");
                case INTEGER -> property.put("type", "integer");
                case NUMBER -> property.put("type", "number");
                case BOOLEAN -> property.put("type", "boolean");
                case MAPPING -> property.put("type", "object");
                case MAPPING_OR_NOTHING -> property.putArray("type").add("object").add("null");
                case STRING_MAPPING -> property.put("type", "object").putObject("additionalProperties")
                        .putArray("type").add("string").add("number").add("boolean").add("null");
                case STRING_LIST -> {
                    ArrayNode oneOf = property.putArray("oneOf");
                    oneOf.addObject().put("type", "string");
                    oneOf.addObject().put("type", "array").putObject("items").put("type", "string");
                }
                case SCALAR_LIST -> {
                    ArrayNode oneOf = property.putArray("oneOf");
                    oneOf.addObject().putArray("type").add("string").add("number").add("boolean");
                    oneOf.addObject().put("type", "array").putObject("items").putArray("type").add("string")
                            .add("number").add("boolean");
                }
                case LIST -> property.put("type", "array");
                case MAPPING_LIST -> property.put("type", "array").set("items", block(key));
                case MAPPING_MAP -> property.put("type", "object").set("additionalProperties", block(key));
                case STEP -> property.put("$ref", "#/definitions/nested_step");
                case ANY -> {
                }
            }
            if (key.kind() == Key.Kind.MAPPING && key.nested()) {
                property.setAll(block(key));
            }
            if (key.lowest() != null) { // the range the validator checks, so that editors flag it too
                property.put("minimum", key.lowest());
                property.put("maximum", key.highest());
            }
            property.put("description", key.description());
            if (key.defaultValue() != null) {
                property.putPOJO("default", key.defaultValue());
            }
            if (!key.allowed().isEmpty()) {
                ArrayNode values = property.putArray("enum");
                key.allowed().forEach(values::add);
            }
        }
        return properties;
    }
}
