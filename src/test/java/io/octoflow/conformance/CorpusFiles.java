package io.octoflow.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The files a flow wrote under DATA_PATH, parsed: YAML as YAML 1.1 (as PyYAML reads it), JSON as JSON, anything
 * else as text. The spooler's PyYAML writes tuples (its flow_loop results) with a {@code !!python/tuple} tag;
 * that tag is read as a list, the "keep ours" for Python tags of SPOOLER-SEMANTICS.md.
 */
public final class CorpusFiles {

    private CorpusFiles() {
    }

    /** Every regular file under {@code dataDir} except those under the top-level names in {@code skip}. */
    public static ObjectNode read(Path dataDir, Set<String> skip, CorpusNormalizer normalizer) {
        TreeMap<String, JsonNode> files = new TreeMap<>();
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dataDir)) {
            walk.filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dataDir, e);
        }
        for (Path file : found) {
            Path relative = dataDir.relativize(file);
            if (skip.contains(relative.getName(0).toString())) {
                continue;
            }
            String name = normalizer.fileName(relative.toString());
            files.put(name, normalizer.data(parse(file)));
        }
        ObjectNode node = CorpusJson.MAPPER.createObjectNode();
        files.forEach(node::set);
        return node;
    }

    static JsonNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                return yaml(text);
            }
            if (name.endsWith(".json")) {
                return CorpusJson.parse(text);
            }
        } catch (RuntimeException e) {
            return TextNode.valueOf("unparsable (" + e.getMessage() + "): " + text);
        }
        return TextNode.valueOf(text);
    }

    /** One document: its value; several (appended): the list of them; none: null. */
    static JsonNode yaml(String text) {
        List<Object> documents = new ArrayList<>();
        new Yaml(new PythonTuplesAsLists()).loadAll(text).forEach(documents::add);
        return CorpusJson.tree(documents.size() == 1 ? documents.get(0) : documents.isEmpty() ? null : documents);
    }

    /** SnakeYAML's safe constructor, reading {@code !!python/tuple} sequences as lists. */
    private static final class PythonTuplesAsLists extends SafeConstructor {
        private static final Tag PYTHON_TUPLE = new Tag("tag:yaml.org,2002:python/tuple");

        PythonTuplesAsLists() {
            super(options());
            this.yamlConstructors.put(PYTHON_TUPLE, new ConstructYamlSeq());
        }

        private static LoaderOptions options() {
            LoaderOptions options = new LoaderOptions();
            options.setTagInspector(PYTHON_TUPLE::equals);
            return options;
        }
    }
}
