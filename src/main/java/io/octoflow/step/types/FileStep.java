package io.octoflow.step.types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Reads or writes a file under DATA_PATH. Reading parses JSON or YAML (or keeps text); writing and appending go
 * through Camel's file producer ({@code fileExist=Override} / {@code Append}). The format comes from
 * {@code type}, or from the extension. The result of a write is the path written, relative to DATA_PATH.
 */
public final class FileStep implements StepType {

    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final String PATH_HEADER = "octoflowFilePath";

    record Settings(Template path, String mode, String format) {
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public String description() {
        return "Reads or writes a file (JSON, YAML or text) under DATA_PATH.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("path", Kind.STRING, "File path relative to DATA_PATH (templated)."),
                Key.oneOf("mode", "read", List.of("read", "write", "append"), "What to do with the file."),
                Key.oneOf("type", null, List.of("json", "yaml", "text"),
                        "File format; default: from the extension (.json, .yml/.yaml, anything else text)."),
                Key.optional("data_key", Kind.STRING, "For write/append: the key of the flow data to write ('.' for"
                        + " all of it)."));
    }

    @Override
    public String example() {
        return """
                - name: read input file
                  type: file
                  result_key: file_content
                  file:
                    path: samples/tickets.json
                - name: write output file
                  type: file
                  file:
                    path: output/result_{{ __timestamp__ }}.yml
                    mode: write
                    type: yaml
                    data_key: file_content
                """;
    }

    @Override
    public Object compile(StepCompiler compiler, YNode block) {
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
        return new Settings(path, mode, block.get("type") == null ? null : block.get("type").text());
    }

    @Override
    public void build(StepBuild build) {
        Settings settings = build.settings(Settings.class);
        ConfinedPaths files = build.services().dataFiles();
        ObjectMapper json = build.services().json();
        if (settings.mode().equals("read")) {
            build.route().process(exchange -> {
                Path file = resolve(exchange, settings, files);
                exchange.getMessage().setBody(read(file, format(settings, file), json, files));
            }).id(build.id());
            return;
        }
        String fileExist = settings.mode().equals("append") ? "Append" : "Override";
        String endpoint = "file:" + files.root() + "?fileExist=" + fileExist + "&charset=UTF-8";
        build.route()
                .process(exchange -> {
                    Path file = resolve(exchange, settings, files);
                    String relative = files.relativize(file);
                    String text = write(exchange.getMessage().getBody(), format(settings, file), json,
                            settings.mode().equals("append"));
                    exchange.getMessage().removeHeaders("*");
                    exchange.getMessage().setHeader(Exchange.FILE_NAME, relative);
                    exchange.getMessage().setHeader(PATH_HEADER, relative);
                    exchange.getMessage().setBody(text);
                }).id(build.id("serialize"))
                .to(endpoint).id(build.id())
                .process(exchange -> {
                    String relative = exchange.getMessage().getHeader(PATH_HEADER, String.class);
                    exchange.getMessage().removeHeaders("*");
                    exchange.getMessage().setBody(relative);
                }).id(build.id("written"));
    }

    private static Path resolve(Exchange exchange, Settings settings, ConfinedPaths files) {
        String rendered = settings.path().render(FlowRun.of(exchange).templateContext());
        return files.resolve(rendered);
    }

    private static String format(Settings settings, Path file) {
        if (settings.format() != null) {
            return settings.format();
        }
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".json")) {
            return "json";
        }
        if (name.endsWith(".yml") || name.endsWith(".yaml")) {
            return "yaml";
        }
        return "text";
    }

    private static Object read(Path file, String format, ObjectMapper json, ConfinedPaths files) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("file '" + files.relativize(file) + "' does not exist in DATA_PATH");
        }
        return switch (format) {
            case "json" -> text.isBlank() ? null : json.readValue(text, Object.class);
            case "yaml" -> text.isBlank() ? null : YAML.readValue(text, Object.class);
            default -> text;
        };
    }

    private static String write(Object body, String format, ObjectMapper json, boolean append) throws IOException {
        String text = switch (format) {
            // appending JSON writes one document per line (JSON Lines)
            case "json" -> append ? json.writeValueAsString(body)
                    : json.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(body);
            case "yaml" -> append ? "---\n" + YAML.writeValueAsString(body) : YAML.writeValueAsString(body);
            default -> body == null ? "" : body instanceof String s ? s : json.writeValueAsString(body);
        };
        return append && !text.endsWith("\n") ? text + "\n" : text;
    }
}
