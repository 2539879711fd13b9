package io.octoflow.api;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.FlowValidator;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.service.Deployment;
import io.octoflow.schedule.ScheduleEntry;

/** What several of Octoflow's API operations answer alike: times, schedules, problems; and the flow a path names. */
final class ApiViews {

    private final FlowOperations operations;
    private final ZoneId timezone;
    private final Path flowsRoot;
    private final ObjectMapper json;

    ApiViews(FlowOperations operations, ZoneId timezone, Path flowsPath, ObjectMapper json) {
        this.operations = operations;
        this.timezone = timezone;
        this.flowsRoot = flowsPath.toAbsolutePath().normalize();
        this.json = json;
    }

    ObjectMapper json() {
        return json;
    }

    /** ISO 8601 with the offset of TIMEZONE. */
    String time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, timezone).toString();
    }

    Map<String, Object> schedule(ScheduleEntry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.id());
        view.put("name", entry.flowName());
        view.put("path", entry.path());
        view.put("source", entry.source());
        view.put("cron", entry.cron());
        view.put("every_seconds", entry.everySeconds());
        view.put("timeout_seconds", entry.timeoutSeconds());
        view.put("timezone", timezone.getId()); // TIMEZONE: a cron's hours are its hours
        view.put("paused", operations.paused(entry.path()));
        operations.nextFire(entry).ifPresent(next -> view.put("next_fire", time(next)));
        view.put("warnings", warnings(entry.path()));
        return view;
    }

    /** The warnings of a loaded flow file: stricter checks on what the spooler accepts; the flow runs anyway. */
    List<Map<String, Object>> warnings(String relativePath) {
        if (relativePath == null) {
            return List.of();
        }
        List<Problem> warnings = operations.warnings(relativePath);
        // the file's own problems name no file; found, it resolved under FLOWS_PATH
        return warnings.isEmpty() ? List.of()
                : problems(warnings, flowsRoot.resolve(relativePath).normalize().toString());
    }

    /** Problems with their lines; {@code file} only where it is not {@code ownFile} (a sub-flow's, say). */
    static List<Map<String, Object>> problems(List<Problem> problems, String ownFile) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Problem problem : problems) {
            Map<String, Object> p = new LinkedHashMap<>();
            if (!problem.file().equals(ownFile) && !problem.file().endsWith(FlowValidator.FILE_NAME)) {
                p.put("file", problem.file());
            }
            p.put("line", problem.line());
            p.put("column", problem.column());
            p.put("severity", problem.severity().label());
            p.put("message", problem.message());
            out.add(p);
        }
        return out;
    }

    /** The deployed, valid flow at {@code path} (relative to FLOWS_PATH); 400/404 otherwise. */
    FlowDefinition deployedFlow(String path) {
        Deployment deployment;
        try {
            deployment = operations.deployment(path).orElse(null);
        } catch (ConfinedPaths.PathOutsideRootException e) {
            throw new ApiException(400, "path: " + e.getMessage());
        }
        if (deployment == null) {
            throw new ApiException(404, "no flow file '" + path + "' in FLOWS_PATH");
        }
        if (deployment.flow() == null) {
            throw new ApiException(400, "flow file '" + path + "' does not validate",
                    problems(deployment.problems(), deployment.path()));
        }
        return deployment.flow();
    }

    /** Stored JSON as a value; the text itself when it is not JSON. */
    Object parsed(String text) {
        return parsed(json, text);
    }

    static Object parsed(ObjectMapper json, String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }
}
