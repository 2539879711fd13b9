package io.octoflow.schedule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.flow.FlowDefinition;

/**
 * CONFIG_FILE's schedules: the spooler's {@code autostart: [flow paths]} and {@code autostart_flows:} entries
 * {@code {path, cron, every_seconds, timeout_seconds}}. Paths are relative to FLOWS_PATH.
 */
public record Autostart(String path, String cron, Long everySeconds, Long timeoutSeconds) {

    private static final Logger LOG = LogManager.getLogger(Autostart.class);

    /**
     * Adds CONFIG_FILE's schedules, once the flows directory is deployed. An entry without its own schedule names
     * a flow whose file has one (already running); a problem with one entry is logged and the others go on.
     *
     * @param flowAt the deployed flow of a path relative to FLOWS_PATH
     */
    public static void addSchedules(Path configFile, Function<String, Optional<FlowDefinition>> flowAt,
            Scheduler scheduler) {
        try {
            for (Autostart entry : read(configFile)) {
                flowAt.apply(entry.path()).ifPresentOrElse(flow -> entry.schedule(flow, configFile, scheduler),
                        () -> LOG.warn("{}: autostart '{}' is not a valid flow in FLOWS_PATH", configFile,
                                entry.path()));
            }
        } catch (Exception e) {
            LOG.warn("CONFIG_FILE {} ignored: {}", configFile, e.getMessage());
        }
    }

    private void schedule(FlowDefinition flow, Path configFile, Scheduler scheduler) {
        boolean own = cron != null || everySeconds != null;
        if (!own && flow.cron() == null && flow.everySeconds() == null) {
            LOG.warn("{}: autostart '{}' has no schedule (no cron or every_seconds); only scheduled flows are added",
                    configFile, path);
            return;
        }
        if (!own) {
            return; // the flow's own schedule is already running
        }
        try {
            // as on the spooler, an every_seconds entry first runs one interval after the start
            scheduler.addFiringAfterOneInterval(Scheduler.entry(flow, "config", cron,
                    everySeconds, timeoutSeconds));
        } catch (Exception e) {
            LOG.warn("{}: autostart '{}': {}", configFile, path, e.getMessage());
        }
    }

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
