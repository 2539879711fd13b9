package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.Key;
import io.octoflow.flow.Problem;
import io.octoflow.template.Templates;

/**
 * The step catalog agrees with itself: every key a step type declares is read by it, every key it reads from its
 * block is declared (so the validator and the JSON Schema describe what runs), and every example validates: each
 * step type's own example, the flows under routes/, and the flows written in the docs.
 *
 * <p>What a step type reads is found in its source ({@code .get("key")} on its block and nested nodes), so the test
 * needs no hook in the code it checks; the source of a type is its class and the classes named after it
 * ({@code KubernetesJobSettings} for {@code KubernetesJobStep}).
 */
class StepCatalogTest {

    static final StepRegistry REGISTRY = StepRegistry.standard();
    static final Path SOURCES = Path.of("src/main/java/io/octoflow/step/types");
    static final Path ROUTES = Path.of("routes").toAbsolutePath().normalize();
    static final Path TEMPLATES = Path.of("templates").toAbsolutePath().normalize();
    static final YAMLMapper YAML = new YAMLMapper();
    static final Pattern READ = Pattern.compile("\\.get\\(\"([A-Za-z_]+)\"\\)");
    static final Pattern LITERAL = Pattern.compile("\"([A-Za-z_]+)\"");

    /**
     * {@code .get("...")} calls of a type's source that read run data or a model, not the step's block: Jira's
     * {@code names} and {@code fields} in the data; job_spec's {@code template} and {@code spec}, checked against
     * the fabric8 model instead of declared keys.
     */
    static final Map<String, Set<String>> NOT_BLOCK_READS = Map.of(
            "jira_names_merge", Set.of("names", "fields"),
            "k8s_job", Set.of("template", "spec"));

    static Stream<StepType<?>> stepTypes() {
        return REGISTRY.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepTypes")
    void everyDeclaredKeyIsRead(StepType<?> type) throws IOException {
        String source = sourceWithoutDeclarations(type);
        for (String key : declared(type.keys())) {
            boolean read = source.contains("\"" + key + "\"")
                    // the default inputKey reads data_key for the types that do not read it themselves
                    || key.equals("data_key") && !source.contains("public String inputKey(");
            assertThat(read).as("%s declares '%s' but never reads it", type.type(), key).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepTypes")
    void everyKeyReadIsDeclared(StepType<?> type) throws IOException {
        Set<String> declared = declared(type.keys());
        Matcher reads = READ.matcher(sourceWithoutDeclarations(type));
        Set<String> undeclared = new TreeSet<>();
        while (reads.find()) {
            String key = reads.group(1);
            if (!declared.contains(key) && !NOT_BLOCK_READS.getOrDefault(type.type(), Set.of()).contains(key)) {
                undeclared.add(key);
            }
        }
        assertThat(undeclared).as("%s reads keys it does not declare", type.type()).isEmpty();
    }

    @Test
    void theSourceScanSeesEveryStepType() throws IOException {
        // guards the two tests above: a type whose source is not found would pass them without being checked
        for (StepType<?> type : REGISTRY.all()) {
            assertThat(source(type)).as(type.type()).contains("\"" + type.type() + "\"");
            assertThat(READ.matcher(sourceWithoutDeclarations(type)).find() || type.keys().stream()
                    .allMatch(k -> k.name().equals("data_key"))).as(type.type()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stepTypes")
    void theExampleOfEveryStepTypeValidates(StepType<?> type, @TempDir Path root) throws IOException {
        String flow = "name: example of " + type.type() + "\nsteps:\n" + type.example().indent(2);
        // an example is one step of a flow: a goto in it may name a step the example does not show (a warning)
        List<Problem> errors = validateWithCalledFiles(flow, root);
        assertThat(errors).as("%s", FlowCatalog.describe(errors)).isEmpty();
    }

    /**
     * Validates a flow written in a doc or an example, next to the files it names (the sub-flows it calls and the
     * templates it renders exist, as they would in a real FLOWS_PATH and TEMPLATES_PATH); returns the errors.
     */
    private static List<Problem> validateWithCalledFiles(String yaml, Path root) throws IOException {
        Path flows = Files.createDirectories(root.resolve("flows"));
        Path templates = Files.createDirectories(root.resolve("templates"));
        List<JsonNode> steps = new ArrayList<>();
        YAML.readTree(yaml).findParents("type").forEach(steps::add);
        for (JsonNode step : steps) {
            String stepType = step.path("type").asText();
            String path = step.path(stepType).path("path").asText(null);
            if (path != null && (stepType.equals("flow") || stepType.equals("flow_loop"))) {
                write(flows.resolve(path), "name: called\nsteps:\n  - name: log\n    type: debug\n");
            } else if (path != null && stepType.equals("jinja")) {
                write(templates.resolve(path), "{{ __input__ }}\n");
            }
        }
        Path file = write(root.resolve("flow.yml"), yaml);
        return new FlowCatalog(REGISTRY, new Templates(templates), flows, templates).validate(file);
    }

    static Stream<Path> routes() throws IOException {
        return FlowCatalog.flowFilesUnder(ROUTES).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void everyFlowUnderRoutesValidates(Path file) {
        List<Problem> errors = new FlowCatalog(REGISTRY, new Templates(TEMPLATES), ROUTES, TEMPLATES).validate(file);
        assertThat(errors).as("%s", FlowCatalog.describe(errors)).isEmpty();
    }

    /** A flow written in a document, named by the document and the flow's first line. */
    record DocFlow(String where, String yaml) {
        @Override
        public String toString() {
            return where;
        }
    }

    /** The YAML blocks of the docs that are whole flows (a mapping with steps). */
    static Stream<DocFlow> docsFlows() throws IOException {
        List<DocFlow> flows = new ArrayList<>();
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        Pattern block = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
        for (Path document : documents) {
            Matcher blocks = block.matcher(Files.readString(document, StandardCharsets.UTF_8));
            while (blocks.find()) {
                String yaml = blocks.group(1);
                if (yaml.startsWith("name:") && yaml.contains("\nsteps:")) {
                    flows.add(new DocFlow(document.getFileName() + ": " + yaml.lines().findFirst().orElse(""), yaml));
                }
            }
        }
        assertThat(flows).as("flows in the docs").isNotEmpty();
        return flows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("docsFlows")
    void everyFlowInTheDocsValidates(DocFlow flow, @TempDir Path root) throws IOException {
        List<Problem> errors = validateWithCalledFiles(flow.yaml(), root);
        assertThat(errors).as("%s", FlowCatalog.describe(errors)).isEmpty();
    }

    // --- helpers ---

    /** Every key name of the declarations, nested blocks included. */
    private static Set<String> declared(List<Key> keys) {
        Set<String> names = new LinkedHashSet<>();
        for (Key key : keys) {
            names.add(key.name());
            names.addAll(declared(key.keys()));
        }
        return names;
    }

    private static String source(StepType<?> type) throws IOException {
        String prefix = type.getClass().getSimpleName().replaceFirst("Step$", "");
        StringBuilder source = new StringBuilder();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                source.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return source.toString();
    }

    /** The type's source without its keys() and example() (which name every key, read or not). */
    private static String sourceWithoutDeclarations(StepType<?> type) throws IOException {
        String source = source(type);
        for (String method : List.of("public List<Key> keys() {", "public String example() {")) {
            int start = source.indexOf(method);
            assertThat(start).as("%s has %s", type.type(), method).isNotNegative();
            int end = source.indexOf("\n    }\n", start);
            source = source.substring(0, start) + source.substring(end);
        }
        return source;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
