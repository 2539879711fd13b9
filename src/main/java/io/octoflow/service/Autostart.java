package io.octoflow.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * CONFIG_FILE's schedules: the spooler's {@code autostart: [flow paths]} and {@code autostart_flows:} entries
 * {@code {path, cron, every_seconds, timeout_seconds}}. Paths are relative to FLOWS_PATH.
 */
public record Autostart(String path, String cron, Long everySeconds, Long timeoutSeconds) {

    public static List<Autostart> read(Path configFile) throws IOException {
        List<Autostart> entries = new ArrayList<>();
        if (!Files.isRegularFile(configFile)) {
            return entries;
        }
        JsonNode root = new YAMLMapper().readTree(configFile.toFile());
        if (root == null || root.isNull() || root.isMissingNode()) {
            return entries;
        }
        if (!root.isObject()) {
            throw new IOException(configFile + ": expected a mapping with autostart and/or autostart_flows");
        }
        for (JsonNode item : root.path("autostart")) {
            if (!item.isTextual()) {
                throw new IOException(configFile + ": autostart: expected a list of flow paths, found " + item);
            }
            entries.add(new Autostart(item.asText(), null, null, null));
        }
        for (JsonNode item : root.path("autostart_flows")) {
            if (!item.hasNonNull("path")) {
                throw new IOException(configFile + ": autostart_flows: every entry needs a 'path', found " + item);
            }
            entries.add(new Autostart(item.get("path").asText(),
                    item.hasNonNull("cron") ? item.get("cron").asText() : null,
                    item.hasNonNull("every_seconds") ? item.get("every_seconds").asLong() : null,
                    item.hasNonNull("timeout_seconds") ? item.get("timeout_seconds").asLong() : null));
        }
        return entries;
    }
}
