package io.octoflow.resource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Where Flow resources live as flow files: {@code DATA_PATH/kubernetes/flows/<name>.yml}, one per resource, deployed
 * by the flows directory exactly like the files users write (validated, swapped one at a time, a broken version
 * never replacing a working one). They are state, not configuration: FLOWS_PATH may be a read-only ConfigMap.
 * Files are written atomically (a temporary name, then a rename).
 */
public final class FlowResourceFiles {

    /** The subdirectory of DATA_PATH. */
    public static final String DIRECTORY = "kubernetes/flows";
    /** Kubernetes object names (DNS subdomains) are safe file names; anything else is refused. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    // block style and literal blocks for multi-line strings (jq programs, templates): the file reads like the spec
    // the user applied, and a problem's line number is the line of the spec rendered this way
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES));

    private final Path directory;

    public FlowResourceFiles(Path dataPath) {
        this.directory = dataPath.toAbsolutePath().normalize().resolve(DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    /** The file of resource {@code name}. */
    public Path file(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metadata.name '" + name + "' is not a Kubernetes object name");
        }
        return directory.resolve(name + ".yml");
    }

    /** The resource name of a file as the flows directory names it (absolute: it is outside FLOWS_PATH), or null
     * when the file is not one of ours. */
    public String nameOf(String path) {
        Path file = Path.of(path);
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!directory.equals(file.getParent()) || !fileName.endsWith(".yml")) {
            return null;
        }
        String name = fileName.substring(0, fileName.length() - ".yml".length());
        return NAME.matcher(name).matches() ? name : null;
    }

    /** The flow text of a spec: the keys of the spec, in their order, then a comment saying where it came from. */
    public static String render(Map<String, Object> spec, String origin) {
        try {
            // the comment goes last: line numbers stay those of the spec
            return YAML.writeValueAsString(spec) + "# " + origin + ": edit the resource, not this file\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("spec cannot be written as YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code text} as resource {@code name}'s file unless it already holds it; true when written. */
    public boolean write(String name, String text) throws IOException {
        Path file = file(name);
        Files.createDirectories(directory);
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return false;
        }
        Path temporary = directory.resolve("." + name + ".yml.tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return true;
    }

    public void delete(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    /** The resource names that have a file now. */
    public List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return names;
        }
        try (var files = Files.list(directory)) {
            files.map(f -> nameOf(f.toString())).filter(n -> n != null).forEach(names::add);
        }
        return names;
    }
}
