package io.octoflow.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One rule case folder of {@code conformance/rules/}: the launched {@code flow.yml} and the other flow files beside
 * it (or under {@code flows/}), {@code templates/}, {@code data/} (placed under DATA_PATH), {@code secrets.yml},
 * {@code input.json} (the launch payload), {@code upstream.json} (the canned upstream) and {@code expected.json}
 * (what the original spooler did, recorded by {@code record.py}).
 */
record RuleCase(String name, Path dir) {

    static final String LAUNCHED_FLOW = "flow.yml";

    /** Every case folder under {@code root}, by name. */
    static List<RuleCase> all(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(LAUNCHED_FLOW)))
                    .sorted()
                    .map(d -> new RuleCase(d.getFileName().toString(), d))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flow files at the case's top level (all YAML files but secrets.yml), relative names. */
    List<Path> topLevelFlows() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> {
                        String n = f.getFileName().toString();
                        return (n.endsWith(".yml") || n.endsWith(".yaml")) && !n.equals("secrets.yml");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of a file of the case, or null when the case has none. */
    String read(String relative) {
        Path file = dir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path folder(String relative) {
        return dir.resolve(relative);
    }

    @Override
    public String toString() {
        return name;
    }
}
