package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowYaml;

/**
 * Where a flow named on the command line is: as given, or relative to FLOWS_PATH; failing that, the file of
 * FLOWS_PATH whose {@code name} it is (flows are identified by path: a name shared by several files is refused).
 */
final class FlowFiles {

    private static final YAMLMapper YAML = new YAMLMapper();

    private FlowFiles() {
    }

    /**
     * Reads flow files under the limits the settings give (FLOW_FILE_MAX_BYTES, _DEPTH, _ALIASES, _NODES from the
     * environment or application.properties), as the service does, not under the built-in defaults: a file
     * {@code validate} accepts is one the service loads, and the other way round.
     */
    static void applyLimits(OctoflowConfig config) {
        FlowYaml.limit(new FlowYaml.Limits(config.flowFileMaxBytes(), config.flowFileMaxDepth(),
                config.flowFileMaxAliases(), config.flowFileMaxNodes()));
    }

    /** The file given, or the one file of FLOWS_PATH with that name; null when none; throws when ambiguous. */
    static Path locate(String given, OctoflowConfig config) {
        Path asGiven = Path.of(given);
        if (Files.isRegularFile(asGiven)) {
            return asGiven.toAbsolutePath().normalize();
        }
        Path inFlows = config.flowsPath().resolve(given).normalize();
        if (Files.isRegularFile(inFlows) && inFlows.startsWith(config.flowsPath())) {
            return inFlows;
        }
        List<Path> named = named(given, config.flowsPath());
        if (named.size() > 1) {
            throw new IllegalArgumentException("flow name '" + given + "' is ambiguous: " + named.size()
                    + " files of FLOWS_PATH have it (" + String.join(", ", named.stream()
                    .map(p -> config.flowsPath().relativize(p).toString()).toList()) + "); give the path");
        }
        return named.isEmpty() ? null : named.get(0);
    }

    /** The flow files under {@code root} whose top-level {@code name} is {@code name}. */
    private static List<Path> named(String name, Path root) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try {
            for (Path file : FlowCatalog.flowFilesUnder(root)) {
                try {
                    // under the same limits as the service: a hostile file must not stop `launch <name>`
                    String text = FlowYaml.read(file, root);
                    FlowYaml.check(text, file.toString());
                    JsonNode flow = YAML.readTree(text);
                    if (flow != null && flow.path("name").isTextual() && flow.get("name").asText().equals(name)) {
                        found.add(file.toAbsolutePath().normalize());
                    }
                } catch (IOException | RuntimeException unreadable) {
                    // not a flow this name can mean; launching it by path reports its problems
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }
}
