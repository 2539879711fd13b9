package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.step.StepRegistry;
import io.octoflow.step.StepType;
import io.octoflow.template.Templates;

/**
 * The JSON Schema of the flow format: the shipped docs/flow.schema.json is what the generator produces, it
 * describes every step type with the same keys the validator checks, and the example flows conform to it.
 *
 * <p>No JSON Schema library is on the test classpath, so {@link MiniValidator} implements the draft-07 keywords
 * the generated schema uses (and refuses any other keyword, so it cannot silently pass).
 */
class FlowSchemaTest {

    static final Path SHIPPED = Path.of("docs/flow.schema.json");
    static final Path ROUTES = Path.of("routes").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = new YAMLMapper();
    static final StepRegistry REGISTRY = StepRegistry.standard();

    static JsonNode schema;

    @BeforeAll
    static void readSchema() throws IOException {
        schema = JSON.readTree(FlowSchema.generate(REGISTRY));
    }

    @TempDir
    Path tmp;

    // --- the shipped file ---

    @Test
    void shippedSchemaIsTheGeneratedOne() throws IOException {
        assertThat(SHIPPED).as("docs/flow.schema.json (regenerate with: octoflow schema > docs/flow.schema.json)")
                .isRegularFile();
        String shipped = Files.readString(SHIPPED, StandardCharsets.UTF_8);
        assertThat(JSON.readTree(shipped)).isEqualTo(schema);
        assertThat(shipped).isEqualTo(FlowSchema.generate(REGISTRY));
    }

    @Test
    void generationIsStable() {
        assertThat(FlowSchema.generate(REGISTRY)).isEqualTo(FlowSchema.generate(StepRegistry.standard()));
    }

    @Test
    void schemaIsDraft07() {
        assertThat(schema.path("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    }

    // --- consistency with the key declarations ---

    @Test
    void flowPropertiesAreTheFlowKeys() {
        assertThat(names(schema.path("properties")))
                .containsExactlyElementsOf(FlowKeys.FLOW.stream().map(Key::name).toList());
        assertThat(strings(schema.path("required"))).containsExactly("steps");
        assertThat(schema.at("/properties/steps/items/$ref").asText()).isEqualTo("#/definitions/step");
        assertThat(schema.at("/properties/steps/minItems").asInt()).isEqualTo(1);
        assertKinds(schema.path("properties"), FlowKeys.FLOW.stream().filter(k -> !k.name().equals("steps")).toList());
    }

    @Test
    void stepTypeEnumListsEveryStepType() {
        JsonNode step = schema.at("/definitions/step");
        assertThat(strings(step.at("/properties/type/enum"))).containsExactlyElementsOf(REGISTRY.types());
        assertThat(strings(step.path("required"))).containsExactly("name", "type");
        assertThat(step.path("additionalProperties").asBoolean(true)).isFalse();
        List<String> expected = new ArrayList<>(FlowKeys.STEP.stream().map(Key::name).toList());
        expected.addAll(REGISTRY.types());
        assertThat(names(step.path("properties"))).containsExactlyInAnyOrderElementsOf(expected);
        assertKinds(step.path("properties"), FlowKeys.STEP.stream().filter(k -> !k.name().equals("type")).toList());
    }

    @Test
    void everyStepTypeHasADefinitionWithItsKeys() {
        JsonNode definitions = schema.path("definitions");
        assertThat(names(definitions)).containsAll(REGISTRY.types()).contains("step");
        for (StepType<?> type : REGISTRY.all()) {
            JsonNode block = definitions.path(type.type());
            assertThat(block.path("type").asText()).as(type.type()).isEqualTo("object");
            assertThat(block.path("additionalProperties").asBoolean(true)).as(type.type()).isFalse();
            assertThat(block.path("description").asText()).isEqualTo(type.description());
            assertThat(names(block.path("properties"))).as(type.type())
                    .containsExactlyElementsOf(type.keys().stream().map(Key::name).toList());
            List<String> required = type.keys().stream().filter(Key::required).map(Key::name).toList();
            assertThat(strings(block.path("required"))).as(type.type()).containsExactlyElementsOf(required);
            assertKinds(block.path("properties"), type.keys());

            JsonNode property = schema.at("/definitions/step/properties/" + type.type());
            if (type.blockRequired()) {
                assertThat(property.path("$ref").asText()).isEqualTo("#/definitions/" + type.type());
            } else {
                assertThat(property.toString()).contains("#/definitions/" + type.type()).contains("\"null\"");
            }
        }
    }

    @Test
    void everyStepTypeHasARuleTyingTheTypeToItsBlock() {
        JsonNode rules = schema.at("/definitions/step/allOf");
        List<String> ruled = new ArrayList<>();
        for (JsonNode rule : rules) {
            String type = rule.at("/if/properties/type/const").asText();
            ruled.add(type);
            StepType<?> stepType = REGISTRY.find(type);
            assertThat(stepType).as(type).isNotNull();
            assertThat(strings(rule.at("/then/required")))
                    .isEqualTo(stepType.blockRequired() ? List.of(type) : List.of());
            List<String> forbidden = new ArrayList<>();
            rule.at("/then/not/anyOf").forEach(r -> forbidden.addAll(strings(r.path("required"))));
            assertThat(forbidden).containsExactlyInAnyOrderElementsOf(
                    REGISTRY.types().stream().filter(t -> !t.equals(type)).toList());
        }
        assertThat(ruled).containsExactlyElementsOf(REGISTRY.types());
    }

    private static void assertKinds(JsonNode properties, List<Key> keys) {
        for (Key key : keys) {
            JsonNode property = properties.path(key.name());
            assertThat(property.isMissingNode()).as(key.name()).isFalse();
            assertThat(property.path("description").asText()).isEqualTo(key.description());
            String expectedType = switch (key.kind()) {
                case STRING -> "string";
                case INTEGER -> "integer";
                case NUMBER -> "number";
                case BOOLEAN -> "boolean";
                case MAPPING, STRING_MAPPING, MAPPING_MAP -> "object";
                case LIST, MAPPING_LIST -> "array";
                case STRING_LIST, SCALAR_LIST, ANY, MAPPING_OR_NOTHING, STEP -> null;
            };
            if (key.kind() == Key.Kind.STEP) {
                assertThat(property.path("$ref").asText()).as(key.name()).isEqualTo("#/definitions/nested_step");
            }
            if (key.nested()) {
                // a nested block is described fully: its keys, the required ones, and no others
                JsonNode block = switch (key.kind()) {
                    case MAPPING_LIST -> property.path("items");
                    case MAPPING_MAP -> property.path("additionalProperties");
                    default -> property;
                };
                assertThat(names(block.path("properties"))).as(key.name())
                        .containsExactlyElementsOf(key.keys().stream().map(Key::name).toList());
                assertThat(strings(block.path("required"))).as(key.name())
                        .containsExactlyElementsOf(key.keys().stream().filter(Key::required).map(Key::name).toList());
                assertThat(block.path("additionalProperties").asBoolean(true)).as(key.name()).isFalse();
                assertKinds(block.path("properties"), key.keys());
            }
            if (key.kind() == Key.Kind.MAPPING_OR_NOTHING) {
                assertThat(property.path("type").toString()).contains("\"object\"").contains("\"null\"");
            }
            if (expectedType != null) {
                assertThat(property.path("type").asText()).as(key.name()).isEqualTo(expectedType);
            }
            if (key.kind() == Key.Kind.STRING_LIST) {
                assertThat(property.path("oneOf").toString()).contains("\"string\"").contains("\"array\"");
            }
            if (!key.allowed().isEmpty()) {
                assertThat(strings(property.path("enum"))).as(key.name()).containsExactlyElementsOf(key.allowed());
            }
            if (key.defaultValue() != null) {
                assertThat(property.path("default").asText()).as(key.name()).isEqualTo(String.valueOf(key.defaultValue()));
            }
            if (key.kind() == Key.Kind.INTEGER || key.kind() == Key.Kind.NUMBER) {
                assertThat(property.path("minimum").asLong()).as(key.name()).isEqualTo(key.lowest());
                assertThat(property.path("maximum").asLong()).as(key.name()).isEqualTo(key.highest());
            } else {
                assertThat(property.has("minimum") || property.has("maximum")).as(key.name()).isFalse();
            }
        }
    }

    // --- the examples conform ---

    static Stream<Path> exampleFlows() throws IOException {
        List<Path> files = FlowCatalog.flowFilesUnder(ROUTES);
        assertThat(files).isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFlows")
    void exampleFlowConformsToTheSchema(Path file) throws IOException {
        JsonNode flow = YAML.readTree(file.toFile());
        assertThat(MiniValidator.validate(schema, flow)).as(file.toString()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepTypes")
    void stepTypeExampleConformsToTheSchema(String type) throws IOException {
        String example = REGISTRY.find(type).example();
        JsonNode steps = YAML.readTree(example);
        assertThat(steps.isArray()).as(example).isTrue();
        assertThat(steps).anySatisfy(s -> assertThat(s.path("type").asText()).isEqualTo(type));
        JsonNode flow = JSON.createObjectNode().put("name", "example").set("steps", steps);
        assertThat(MiniValidator.validate(schema, flow)).as(example).isEmpty();
    }

    static Stream<String> stepTypes() {
        return REGISTRY.types().stream();
    }

    // --- the schema and the validator agree ---

    static Stream<Arguments> invalidFlows() {
        return Stream.of(
                Arguments.of("unknown flow key", "name: x\ncolour: red\nsteps:\n  - {name: a, type: debug}\n"),
                Arguments.of("missing steps", "name: x\n"),
                Arguments.of("empty steps", "name: x\nsteps: []\n"),
                Arguments.of("unknown step key", "steps:\n  - {name: a, type: debug, colour: red}\n"),
                Arguments.of("unknown step type", "steps:\n  - {name: a, type: bogus}\n"),
                Arguments.of("missing step name", "steps:\n  - {type: debug}\n"),
                Arguments.of("missing required block", "steps:\n  - {name: a, type: rest}\n"),
                Arguments.of("missing key in block", "steps:\n  - {name: a, type: rest, rest: {method: GET}}\n"),
                Arguments.of("unknown key in block",
                        "steps:\n  - {name: a, type: rest, rest: {uri: 'http://x', urii: 'http://x'}}\n"),
                Arguments.of("block of another type", "steps:\n  - {name: a, type: debug, rest: {uri: 'http://x'}}\n"),
                Arguments.of("value not allowed", "steps:\n  - {name: a, type: file, file: {path: a, mode: delete}}\n"),
                Arguments.of("string for a number", "steps:\n  - {name: a, type: sleep, sleep: {seconds: 'two'}}\n"),
                Arguments.of("fraction for an integer", "every_seconds: 1.5\nsteps:\n  - {name: a, type: debug}\n"),
                Arguments.of("mapping for when", "steps:\n  - {name: a, type: debug, when: {x: 1}}\n"),
                Arguments.of("list for a string", "steps:\n  - {name: a, type: debug, result_key: [a]}\n"),
                Arguments.of("null block of a type needing one", "steps:\n  - {name: a, type: rest, rest: null}\n"),
                Arguments.of("number for a string", "name: 42\nsteps:\n  - {name: a, type: debug}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFlows")
    void invalidForTheValidatorAndForTheSchema(String what, String yaml) throws IOException {
        List<String> schemaErrors = MiniValidator.validate(schema, YAML.readTree(yaml));
        List<Problem> problems = validate(yaml);
        assertThat(schemaErrors).as("schema errors for %s", what).isNotEmpty();
        assertThat(problems).as("validator problems for %s", what).isNotEmpty();
    }

    static Stream<Arguments> validFlows() {
        return Stream.of(
                Arguments.of("minimal", "steps:\n  - {name: a, type: debug}\n"),
                Arguments.of("optional block left null", "steps:\n  - {name: a, type: debug, debug: null}\n"),
                Arguments.of("when as a list", "steps:\n  - {name: a, type: debug, when: ['x > 1', 'y']}\n"),
                Arguments.of("schedule", "cron: '*/5 * * * *'\ntimeout_seconds: 9\nsteps:\n  - {name: a, type: exit, exit: {message: done}}\n"),
                Arguments.of("set_fact of any value",
                        "steps:\n  - {name: a, type: set_fact, set_fact: {value: [1, {b: null}, true]}}\n"),
                Arguments.of("rest with query numbers",
                        "steps:\n  - {name: a, type: rest, rest: {uri: 'http://x', query: {n: 1, f: true}}}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFlows")
    void validForTheValidatorAndForTheSchema(String what, String yaml) throws IOException {
        assertThat(MiniValidator.validate(schema, YAML.readTree(yaml))).as(what).isEmpty();
        List<Problem> problems = validate(yaml);
        assertThat(problems).as(FlowCatalog.describe(problems)).isEmpty();
    }

    private List<Problem> validate(String yaml) throws IOException {
        Path flows = Files.createDirectories(tmp.resolve("flows"));
        Path templates = Files.createDirectories(tmp.resolve("templates"));
        Path file = flows.resolve("flow.yml");
        Files.writeString(file, yaml);
        // the schema is as strict as validate --strict: warnings count (unknown keys, empty steps...)
        return new FlowCatalog(REGISTRY, new Templates(templates), flows, templates).check(file);
    }

    @Test
    void numbersOutOfTheirRangeAreRefusedByTheSchemaAsByTheValidator() throws IOException {
        String flow = "timeout_seconds: 9223372036854775807\nevery_seconds: 0\n"
                + "steps:\n  - {name: pause, type: sleep, sleep: {seconds: -1}}\n";
        assertThat(MiniValidator.validate(schema, YAML.readTree(flow)))
                .anySatisfy(e -> assertThat(e).startsWith("/timeout_seconds").contains("maximum 3162240000"))
                .anySatisfy(e -> assertThat(e).startsWith("/every_seconds").contains("minimum 1"))
                .anySatisfy(e -> assertThat(e).startsWith("/steps/0/sleep/seconds").contains("minimum 0"));
        assertThat(MiniValidator.validate(schema, YAML.readTree(
                "timeout_seconds: 3162240000\nsteps:\n  - {name: pause, type: sleep, sleep: {seconds: 0.5}}\n")))
                .isEmpty();
    }

    // --- the test's own validator can fail ---

    @Test
    void miniValidatorReportsWhereAndWhy() throws IOException {
        List<String> errors = MiniValidator.validate(schema,
                YAML.readTree("steps:\n  - {name: a, type: rest, rest: {urii: x}}\n"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("/steps/0/rest").contains("urii"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("/steps/0/rest").contains("uri"));
    }

    @Test
    void miniValidatorRefusesKeywordsItDoesNotKnow() {
        JsonNode odd = JsonNodeFactory.instance.objectNode().put("pattern", "^a");
        assertThatThrownBy(() -> MiniValidator.validate(odd, JsonNodeFactory.instance.textNode("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The draft-07 keywords FlowSchema uses; any other keyword is an error, never ignored. */
    static final class MiniValidator {

        private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "title", "description", "default",
                "definitions", "examples");
        private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties",
                "items", "minItems", "enum", "const", "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "$ref",
                "minimum", "maximum");

        private final JsonNode root;
        private final List<String> errors = new ArrayList<>();

        private MiniValidator(JsonNode root) {
            this.root = root;
        }

        static List<String> validate(JsonNode schema, JsonNode instance) {
            MiniValidator validator = new MiniValidator(schema);
            validator.check(schema, instance, "");
            return validator.errors;
        }

        private boolean valid(JsonNode schema, JsonNode instance) {
            MiniValidator probe = new MiniValidator(root);
            probe.check(schema, instance, "");
            return probe.errors.isEmpty();
        }

        private void check(JsonNode schema, JsonNode value, String at) {
            if (schema.isBoolean()) {
                if (!schema.asBoolean()) {
                    errors.add(at + ": not allowed");
                }
                return;
            }
            for (Iterator<String> it = schema.fieldNames(); it.hasNext();) {
                String keyword = it.next();
                if (!KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                    throw new IllegalArgumentException("keyword not supported by the test validator: " + keyword);
                }
            }
            if (schema.has("$ref")) {
                String ref = schema.get("$ref").asText();
                if (!ref.startsWith("#/")) {
                    throw new IllegalArgumentException("only local $ref supported: " + ref);
                }
                JsonNode target = root.at(ref.substring(1));
                if (target.isMissingNode()) {
                    errors.add(at + ": $ref " + ref + " does not resolve");
                    return;
                }
                check(target, value, at);
            }
            if (schema.has("type")) {
                JsonNode type = schema.get("type");
                List<String> types = new ArrayList<>();
                if (type.isArray()) {
                    type.forEach(t -> types.add(t.asText()));
                } else {
                    types.add(type.asText());
                }
                if (types.stream().noneMatch(t -> hasType(value, t))) {
                    errors.add(at + ": expected " + types + ", found " + value.getNodeType());
                    return;
                }
            }
            if (schema.has("enum")) {
                boolean found = false;
                for (JsonNode allowed : schema.get("enum")) {
                    found |= sameValue(allowed, value);
                }
                if (!found) {
                    errors.add(at + ": " + value + " not in " + schema.get("enum"));
                }
            }
            if (schema.has("minimum") && value.isNumber()
                    && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
                errors.add(at + ": " + value + " is less than the minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.isNumber()
                    && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
                errors.add(at + ": " + value + " is more than the maximum " + schema.get("maximum"));
            }
            if (schema.has("const") && !sameValue(schema.get("const"), value)) {
                errors.add(at + ": expected " + schema.get("const") + ", found " + value);
            }
            if (value.isObject()) {
                JsonNode properties = schema.path("properties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String path = at + "/" + field.getKey();
                    if (properties.has(field.getKey())) {
                        check(properties.get(field.getKey()), field.getValue(), path);
                    } else if (schema.has("additionalProperties")) {
                        JsonNode additional = schema.get("additionalProperties");
                        if (additional.isBoolean() && !additional.asBoolean()) {
                            errors.add(at + ": unknown property '" + field.getKey() + "'");
                        } else {
                            check(additional, field.getValue(), path);
                        }
                    }
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        errors.add(at + ": missing required property '" + required.asText() + "'");
                    }
                }
            }
            if (value.isArray()) {
                if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                    errors.add(at + ": expected at least " + schema.get("minItems") + " items");
                }
                if (schema.has("items")) {
                    if (schema.get("items").isArray()) {
                        throw new IllegalArgumentException("tuple items not supported");
                    }
                    for (int i = 0; i < value.size(); i++) {
                        check(schema.get("items"), value.get(i), at + "/" + i);
                    }
                }
            }
            if (schema.has("allOf")) {
                for (JsonNode sub : schema.get("allOf")) {
                    check(sub, value, at);
                }
            }
            if (schema.has("anyOf")) {
                boolean any = false;
                for (JsonNode sub : schema.get("anyOf")) {
                    any |= valid(sub, value);
                }
                if (!any) {
                    errors.add(at + ": matches none of anyOf");
                }
            }
            if (schema.has("oneOf")) {
                int matches = 0;
                for (JsonNode sub : schema.get("oneOf")) {
                    matches += valid(sub, value) ? 1 : 0;
                }
                if (matches != 1) {
                    errors.add(at + ": matches " + matches + " of oneOf, expected exactly 1");
                }
            }
            if (schema.has("not") && valid(schema.get("not"), value)) {
                errors.add(at + ": must not match " + schema.get("not"));
            }
            if (schema.has("if")) {
                if (valid(schema.get("if"), value)) {
                    if (schema.has("then")) {
                        check(schema.get("then"), value, at);
                    }
                } else if (schema.has("else")) {
                    check(schema.get("else"), value, at);
                }
            }
        }

        private static boolean hasType(JsonNode value, String type) {
            return switch (type) {
                case "object" -> value.isObject();
                case "array" -> value.isArray();
                case "string" -> value.isTextual();
                case "boolean" -> value.isBoolean();
                case "null" -> value.isNull();
                case "number" -> value.isNumber();
                case "integer" -> value.isIntegralNumber()
                        || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
                default -> throw new IllegalArgumentException("unknown type " + type);
            };
        }

        private static boolean sameValue(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            }
            return a.equals(b);
        }
    }
}
