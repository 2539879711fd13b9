package io.octoflow.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Writes a task as a flow file (under DATA_PATH/tasks, outside the watched FLOWS_PATH, which may be a read-only
 * ConfigMap): a flow with one {@code k8s_job} step and, for an enabled periodic task, {@code every_seconds}.
 * The file is derived from the database row and rewritten from it at every start.
 */
public final class TaskFlows {

    /** The JobSpec fields rego takes from a task's metadata; its other keys are the user's own. */
    static final Set<String> JOB_SPEC_KEYS = Set.of("parallelism", "completions", "activeDeadlineSeconds",
            "podFailurePolicy", "backoffLimit", "selector", "manualSelector", "template", "ttlSecondsAfterFinished",
            "completionMode", "suspend");

    private final Path directory;
    private final long jobTimeoutSeconds;
    private final YAMLMapper yaml = new YAMLMapper();

    public TaskFlows(Path directory, long jobTimeoutSeconds) {
        this.directory = directory;
        this.jobTimeoutSeconds = jobTimeoutSeconds;
    }

    public Path file(Task task) {
        return directory.resolve(task.flowName() + ".yml");
    }

    /** Writes (atomically) the flow of {@code task} and returns its file. */
    public Path write(Task task) {
        return write(task, file(task));
    }

    /** Writes the flow of {@code task} beside its file, to be validated before it replaces anything. */
    public Path writeCandidate(Task task) {
        return write(task, directory.resolve("." + task.flowName() + ".candidate.yml"));
    }

    private Path write(Task task, Path file) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".task-", ".tmp");
            Files.writeString(temporary, yaml(task), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    public void delete(Task task) {
        delete(file(task));
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    String yaml(Task task) throws JsonProcessingException {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("image", literal(task.image()));
        if (!task.cmd().isEmpty()) {
            job.put("command", task.cmd().stream().map(TaskFlows::literal).toList());
        }
        if (!task.args().isEmpty()) {
            job.put("args", task.args().stream().map(TaskFlows::literal).toList());
        }
        if (task.namespace() != null && !task.namespace().isBlank()) {
            job.put("namespace", task.namespace());
        }
        ObjectNode jobSpec = jobSpec(task.metadata());
        if (!jobSpec.isEmpty()) {
            job.put("job_spec", jobSpec);
        }
        job.put("timeout_seconds", jobTimeoutSeconds);

        Map<String, Object> step = new LinkedHashMap<>();
        step.put("name", "job");
        step.put("type", "k8s_job");
        step.put("result_key", "job");
        step.put("k8s_job", job);

        Map<String, Object> flow = new LinkedHashMap<>();
        flow.put("name", task.flowName());
        flow.put("description", "rego task" + (task.name() == null ? "" : " '" + task.name() + "'")
                + " (written from the database: edit it through /api/v1/task)");
        if (task.periodic() && task.enabled()) {
            flow.put("every_seconds", task.executionInterval());
        }
        // the Job's own timeout fires first and deletes it; this one only bounds a stuck run
        flow.put("timeout_seconds", jobTimeoutSeconds + 60);
        flow.put("steps", java.util.List.of(step));
        return yaml.writeValueAsString(flow);
    }

    /**
     * The step renders image, command and args as Jinja; rego passes them as they are (a go-template in a command,
     * say): text with Jinja delimiters is kept literal.
     */
    static String literal(String value) {
        if (value == null || !(value.contains("{{") || value.contains("{%") || value.contains("{#"))) {
            return value;
        }
        return "{% raw %}" + value.replace("{% endraw %}", "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
                + "{% endraw %}";
    }

    private ObjectNode jobSpec(JsonNode metadata) {
        ObjectNode spec = yaml.createObjectNode();
        if (metadata != null && metadata.isObject()) {
            metadata.fields().forEachRemaining(field -> {
                if (JOB_SPEC_KEYS.contains(field.getKey())) {
                    spec.set(field.getKey(), field.getValue());
                }
            });
        }
        return spec;
    }
}
