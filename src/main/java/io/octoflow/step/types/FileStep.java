package io.octoflow.step.types;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.PythonJson;
import io.octoflow.template.Template;

/**
 * Reads or writes a file under DATA_PATH, as the spooler does. {@code type} is yaml unless it says json (or text,
 * ours), whatever the extension. YAML is read and written like PyYAML ({@link PyYaml}); JSON is written like
 * Python's json.dump (one line). Appending adds the new document right after the file's end, as the spooler's
 * open(path, "a") does. A write opens the file confined to DATA_PATH ({@link ConfinedPaths}); the stored result is {}.
 */
public final class FileStep implements StepType<FileStep.Settings> {

    record Settings(Template path, String mode, String format) {
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "Reads or writes a file (YAML, JSON or text) under DATA_PATH.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("path", Kind.STRING, "File path relative to DATA_PATH (templated)."),
                Key.oneOf("mode", "read", List.of("read", "write", "append"), "What to do with the file."),
                Key.oneOf("type", "yaml", List.of("yaml", "json", "text"),
                        "File format, whatever the extension: yaml (default), json, or text."),
                Key.optional("data_key", Kind.STRING, "For write/append: the key of the flow data to write ('.' for"
                        + " all of it, special variables included)."));
    }

    @Override
    public String example() {
        return """
                - name: read input file
                  type: file
                  result_key: file_content
                  file:
                    path: samples/tickets.json
                    type: json
                - name: write output file
                  type: file
                  file:
                    path: output/result_{{ __timestamp__ }}.yml
                    mode: write
                    data_key: file_content
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        YNode pathNode = block.get("path");
        Template path = compiler.template(pathNode);
        if (path != null && path.isConstant()) {
            compiler.dataFile(pathNode);
        }
        String mode = block.get("mode") == null ? "read" : block.get("mode").text();
        if (!mode.equals("read") && block.get("data_key") == null) {
            compiler.problem(block, "file: mode " + mode + " needs a 'data_key' (the data to write; '.' for all)");
        }
        if (mode.equals("read") && block.get("data_key") != null) {
            compiler.problem(block.keyNode("data_key"), "file.data_key: only used with mode write or append");
        }
        return new Settings(path, mode, block.get("type") == null ? "yaml" : block.get("type").text());
    }

    /** "." is the whole flow data with the special variables, as the spooler's data holds them. */
    @Override
    public Object input(FlowRun run, String dataKey) {
        if (".".equals(dataKey)) {
            Map<String, Object> all = new LinkedHashMap<>(run.templateContext());
            all.putAll(run.data());
            return all;
        }
        return StepType.super.input(run, dataKey);
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        ConfinedPaths files = build.services().dataFiles();
        ObjectMapper json = build.services().json();
        if (settings.mode().equals("read")) {
            long maxBytes = build.services().config().stepLimits().fileReadMaxBytes();
            build.route().process(exchange -> {
                Path file = resolve(exchange, settings, files);
                exchange.getMessage().setBody(read(file, settings.format(), json, files, maxBytes));
            }).id(build.id());
            return;
        }
        // one processor (Camel's routing of each costs more than handing the text on): the path resolved once, the
        // text, the write, confined when the file is opened (a link made since resolve() is refused); result {}
        boolean append = settings.mode().equals("append");
        build.route().process(exchange -> {
            Path file = resolve(exchange, settings, files);
            String text = write(exchange.getMessage().getBody(), settings.format(), json);
            if (settings.format().equals("text") && append && !text.endsWith("\n")) {
                text += "\n"; // text is ours: appended lines stay lines
            }
            files.write(file, text, append);
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setBody(new LinkedHashMap<>());
        }).id(build.id());
    }

    private static Path resolve(Exchange exchange, Settings settings, ConfinedPaths files) {
        // a constant path renders to itself: no copy of the flow data for it
        String rendered = settings.path().isConstant() ? settings.path().render(Map.of())
                : settings.path().render(FlowRun.of(exchange).templateContext());
        return files.resolve(rendered);
    }

    private static Object read(Path file, String format, ObjectMapper json, ConfinedPaths files, long maxBytes)
            throws IOException {
        String text;
        try {
            text = readAtMost(file, files, maxBytes);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("file '" + files.relativize(file) + "' does not exist in DATA_PATH");
        }
        return switch (format) {
            case "json" -> text.isBlank() ? null : json.readValue(text, Object.class);
            case "yaml" -> PyYaml.load(text);
            default -> text;
        };
    }

    /**
     * The file's text, refused when it holds more than {@code maxBytes} (FILE_READ_MAX_BYTES): its size, from the
     * opened file, is checked before anything is read, and the read stops past the bound (a file that grows
     * meanwhile). A FIFO or device is refused before it is opened (opening a FIFO waits for a writer).
     */
    static String readAtMost(Path file, ConfinedPaths files, long maxBytes) throws IOException {
        String name = files.relativize(file);
        if (existsAndIsNoRegularFile(file)) {
            throw new FileReadLimitException("file '" + name + "' in DATA_PATH is not a regular file (a directory,"
                    + " FIFO or device); only files are read");
        }
        try (SeekableByteChannel channel = files.openForReading(file)) {
            long size = channel.size();
            if (size > maxBytes) {
                throw new FileReadLimitException("file '" + name + "' is " + size + " bytes, more than"
                        + " FILE_READ_MAX_BYTES (" + maxBytes + ")");
            }
            InputStream in = Channels.newInputStream(channel);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, maxBytes) + 1);
            // sized to the file (one read and the end) up to 64 KiB: a 64 KiB buffer per read of a small file cost
            // more than the read
            byte[] buffer = new byte[(int) Math.max(8 * 1024, Math.min(64 * 1024, size + 1))];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new FileReadLimitException("file '" + name + "' grew past FILE_READ_MAX_BYTES ("
                            + maxBytes + " bytes) while it was read");
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * {@code Files.exists(file) && !Files.isRegularFile(file)} (both following links) in one look at the file: a
     * file that cannot be looked at does not exist for {@code Files.exists} either.
     */
    private static boolean existsAndIsNoRegularFile(Path file) {
        try {
            return !Files.readAttributes(file, BasicFileAttributes.class).isRegularFile();
        } catch (IOException e) {
            return false;
        }
    }

    /** A file the step will not read whole; the message names the file and the setting. */
    static final class FileReadLimitException extends RuntimeException {
        FileReadLimitException(String message) {
            super(message);
        }
    }

    private static String write(Object body, String format, ObjectMapper json) throws IOException {
        return switch (format) {
            case "json" -> PythonJson.dumps(body);
            case "yaml" -> PyYaml.dump(body);
            default -> body == null ? "" : body instanceof String s ? s : json.writeValueAsString(body);
        };
    }
}
