package io.octoflow.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.model.rest.RestDefinition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.api.SpoolerSchemas.TaskCreated;
import io.octoflow.api.SpoolerSchemas.TaskDefinition;
import io.octoflow.api.SpoolerSchemas.TaskExecution;
import io.octoflow.api.SpoolerSchemas.TaskMessage;
import io.octoflow.api.SpoolerSchemas.TaskRequest;
import io.octoflow.api.SpoolerSchemas.TaskRerun;
import io.octoflow.api.SpoolerSchemas.TaskUpdated;
import io.octoflow.history.Execution;
import io.octoflow.kubernetes.job.JobStatus;
import io.octoflow.task.Task;
import io.octoflow.task.TaskInput;
import io.octoflow.task.TaskService;
import io.octoflow.task.TaskStatus;

/**
 * rego's task API ({@code /api/v1}), with rego's paths, field names and answers, so a rego client works against
 * Octoflow: task definitions run as Kubernetes Jobs, once or every {@code execution_interval} seconds.
 */
final class RegoTaskApi {

    /** The header rego's CLI sends its API key in; Octoflow's API token is accepted there. */
    static final String API_KEY_HEADER = "X-Rego-Api-Key";

    /** Fields a task body may hold: rego's TaskDefinition, read-only ones included (they are ignored). */
    private static final Set<String> FIELDS = Set.of("id", "image", "name", "namespace", "execution_interval",
            "enabled", "cmd", "args", "metadata", "ttl_seconds_after_finished",
            // read-only in rego's model; a client echoing a definition back sends them
            "execution_counter", "next_execution_time", "deleted", "execution_parameters", "created_at",
            "updated_at", "ID", "CreatedAt", "UpdatedAt", "DeletedAt");

    private final TaskService tasks;
    private final ZoneId timezone;
    private final ObjectMapper json;

    RegoTaskApi(TaskService tasks, ZoneId timezone, ObjectMapper json) {
        this.tasks = tasks;
        this.timezone = timezone;
        this.json = json;
    }

    void configure(SecuredRoutes routes) {
        RestDefinition v1 = routes.routes().rest("/api/v1").tag("rego tasks")
                .description("rego's task API: container tasks run as Kubernetes Jobs");
        RestOperation.of(v1.post("/task"), "createTask", "Create a task; without execution_interval it runs once,"
                + " now").secured()
                .body(TaskRequest.class, "The task: image (required), name, namespace, execution_interval, cmd,"
                        + " args, metadata, enabled")
                .answer(200, "Created", TaskCreated.class).error(400, "A field is missing or malformed")
                .to("direct:rego-task-create");
        RestOperation.of(v1.get("/task"), "listTasks", "Every task definition (deleted ones left out)").secured()
                .answerList(200, "The tasks", TaskDefinition.class).to("direct:rego-tasks");
        RestOperation.of(v1.put("/task"), "updateTask", "Update a task: {id, ...fields to change}").secured()
                .body(TaskRequest.class, "The task's id and the fields to change")
                .answer(200, "Updated", TaskUpdated.class).error(400, "A field is missing or malformed")
                .error(404, "No such task").to("direct:rego-task-update");
        RestOperation.of(v1.get("/task/pending"), "listPendingTasks", "Enabled one-time tasks not started yet")
                .secured().answerList(200, "The tasks", TaskDefinition.class).to("direct:rego-tasks-pending");
        RestOperation.of(v1.post("/task/{id}/rerun"), "rerunTask", "Run a task now").secured()
                .path("id", "The task's id").answer(200, "Started", TaskRerun.class).error(404, "No such task")
                .error(409, "The task cannot run now").to("direct:rego-task-rerun");
        RestOperation.of(v1.get("/task/{id}/rerun"), "rerunTaskByGet", "Run a task now (rego's older verb)")
                .secured().path("id", "The task's id").answer(200, "Started", TaskRerun.class)
                .error(404, "No such task").error(409, "The task cannot run now").to("direct:rego-task-rerun-get");
        RestOperation.of(v1.get("/task/{id}/latest"), "getLatestTaskExecution", "The task's newest execution")
                .secured().path("id", "The task's id").answer(200, "The execution", TaskExecution.class)
                .error(404, "No such task, or it has not run yet").to("direct:rego-task-latest");
        RestOperation.of(v1.delete("/task/{id}"), "deleteTask", "Delete a task (marked deleted, as in rego)")
                .secured().path("id", "The task's id").answer(200, "Deleted", TaskMessage.class)
                .error(404, "No such task").to("direct:rego-task-delete");
        RestOperation.of(v1.post("/execution/{id}/abort"), "abortTaskExecution", "Abort a running execution; its"
                + " Job is deleted").secured().path("id", "The execution's id")
                .answer(200, "Aborted", TaskMessage.class).error(404, "No such execution")
                .error(409, "The execution has ended").to("direct:rego-abort");
        RestOperation.of(v1.get("/execution/{id}/abort"), "abortTaskExecutionByGet", "Abort (rego's older verb)")
                .secured().path("id", "The execution's id").answer(200, "Aborted", TaskMessage.class)
                .error(404, "No such execution").error(409, "The execution has ended").to("direct:rego-abort-get");

        routes.add("rego-task-create", this::create);
        routes.add("rego-tasks", e -> tasks().list().stream().map(this::task).toList());
        routes.add("rego-task-update", this::update);
        routes.add("rego-tasks-pending", e -> tasks().pending().stream().map(this::task).toList());
        routes.add("rego-task-rerun", this::rerun);
        routes.add("rego-task-latest", this::latest);
        routes.add("rego-task-delete", this::delete);
        routes.add("rego-abort", this::abort);
        routes.add("rego-task-rerun-get", this::rerun);
        routes.add("rego-abort-get", this::abort);
    }

    private TaskService tasks() {
        return tasks;
    }

    private Object create(Exchange exchange) {
        Task task = call(() -> tasks().create(input(exchange, false)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", "created");
        answer.put("id", task.id());
        answer.put("task", task(task));
        return answer;
    }

    private Object update(Exchange exchange) {
        Task task = call(() -> tasks().update(input(exchange, true)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", "updated");
        answer.put("task", task(task));
        return answer;
    }

    private Object rerun(Exchange exchange) {
        String executionId = call(() -> tasks().rerun(id(exchange)));
        return Map.of("message", "updated", "execution_id", executionId);
    }

    private Object delete(Exchange exchange) {
        call(() -> tasks().delete(id(exchange)));
        return Map.of("message", "deleted");
    }

    private Object abort(Exchange exchange) {
        call(() -> {
            tasks().abort(id(exchange));
            return null;
        });
        return Map.of("message", "aborted");
    }

    private Object latest(Exchange exchange) {
        String id = id(exchange);
        Task task = call(() -> tasks().find(id).orElseThrow(() -> new NoSuchElementException("no task " + id)));
        Execution execution = call(() -> tasks().latest(id))
                .orElseThrow(() -> new ApiException(404, "task " + id + " has not run yet"));
        return execution(task, execution);
    }

    /** rego's TaskExecution, with the Job's name and the tail of its logs when the step recorded them. */
    private Map<String, Object> execution(Task task, Execution e) {
        JsonNode job = job(e);
        JobStatus status = TaskStatus.of(e.status(), job);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("task_definition_id", task.id());
        view.put("status_code", status.code());
        view.put("status", status.name());
        view.put("image", task.image());
        view.put("name", task.name());
        view.put("namespace", job != null && job.hasNonNull("namespace") ? job.get("namespace").asText()
                : task.namespace());
        view.put("cmd", task.cmd());
        view.put("args", task.args());
        view.put("metadata", task.metadata());
        view.put("job_name", job != null && job.hasNonNull("job_name") ? job.get("job_name").asText() : null);
        view.put("logs", job != null && job.hasNonNull("logs") ? job.get("logs").asText() : null);
        view.put("error", e.error());
        view.put("created_at", time(e.startedAt()));
        view.put("updated_at", time(e.endedAt() != null ? e.endedAt() : e.startedAt()));
        return view;
    }

    private JsonNode job(Execution e) {
        if (e.data() == null) {
            return null;
        }
        try {
            JsonNode data = json.readTree(e.data());
            JsonNode job = data == null ? null : data.get("job");
            return job != null && job.isObject() ? job : null;
        } catch (JsonProcessingException ex) {
            return null;
        }
    }

    private Map<String, Object> task(Task t) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", t.id());
        view.put("name", t.name());
        view.put("image", t.image());
        view.put("namespace", t.namespace());
        view.put("execution_interval", t.executionInterval() == null ? 0 : t.executionInterval());
        view.put("execution_counter", tasks().executionCount(t));
        view.put("next_execution_time", tasks().nextExecution(t).map(this::time).orElse(null));
        view.put("enabled", t.enabled());
        view.put("deleted", t.deleted());
        view.put("cmd", t.cmd());
        view.put("args", t.args());
        view.put("metadata", t.metadata());
        view.put("flow", t.flowName());
        view.put("created_at", time(t.createdAt()));
        view.put("updated_at", time(t.updatedAt()));
        return view;
    }

    private TaskInput input(Exchange exchange, boolean update) {
        JsonBody body = JsonBody.parse(json, exchange.getMessage().getBody(String.class), FIELDS);
        JsonNode node = body.node();
        String id = update ? body.text("id", true) : null;
        Long interval = node.hasNonNull("execution_interval") ? body.whole("execution_interval") : null;
        if (interval != null && (interval < 0 || interval > Integer.MAX_VALUE)) {
            throw new ApiException(400, "field 'execution_interval': expected 0 (run once) or a positive number of"
                    + " seconds, got " + interval);
        }
        Boolean enabled = null;
        if (node.hasNonNull("enabled")) {
            if (!node.get("enabled").isBoolean()) {
                throw new ApiException(400, "field 'enabled': expected true or false");
            }
            enabled = node.get("enabled").asBoolean();
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw new ApiException(400, "field 'metadata': expected a JSON object (JobSpec keys such as"
                    + " backoffLimit configure the Job; other keys are yours)");
        }
        if (node.hasNonNull("ttl_seconds_after_finished")) {
            com.fasterxml.jackson.databind.node.ObjectNode merged = metadata == null || metadata.isNull()
                    ? json.createObjectNode() : ((com.fasterxml.jackson.databind.node.ObjectNode) metadata).deepCopy();
            merged.put("ttlSecondsAfterFinished", body.whole("ttl_seconds_after_finished"));
            metadata = merged;
        }
        return new TaskInput(id, update ? optionalText(body, "image") : body.text("image", true),
                optionalText(body, "name"), optionalText(body, "namespace"),
                interval == null ? null : interval.intValue(), enabled, strings(node, "cmd"), strings(node, "args"),
                metadata == null || metadata.isNull() ? null : metadata);
    }

    private static String optionalText(JsonBody body, String field) {
        return body.text(field, false);
    }

    /** A list of strings; rego's args may also come as one string, split on whitespace. */
    private static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText().isBlank() ? List.of() : List.of(value.asText().trim().split("\\s+"));
        }
        if (!value.isArray()) {
            throw new ApiException(400, "field '" + field + "': expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ApiException(400, "field '" + field + "': expected a list of strings, found " + item);
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String id(Exchange exchange) {
        return exchange.getMessage().getHeader("id", String.class);
    }

    private String time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, timezone).toString();
    }

    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    /** The task service's errors as HTTP answers: bad definition 400, unknown 404, cannot run now 409. */
    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (NoSuchElementException e) {
            throw new ApiException(404, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
