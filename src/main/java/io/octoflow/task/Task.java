package io.octoflow.task;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rego task definition: a container image to run as a Kubernetes Job, once or every
 * {@code executionInterval} seconds. It runs as the flow {@link #flowName()}, with one {@code k8s_job} step.
 *
 * @param executionInterval seconds between runs; null for a task that runs once
 * @param nextExecutionTime when a one-time task is due (null once it ran); interval tasks take theirs from
 *                          their schedule
 * @param metadata          rego's open field: its JobSpec keys (backoffLimit, template...) configure the Job,
 *                          the rest is the user's own
 */
public record Task(
        String id,
        String name,
        String image,
        String namespace,
        Integer executionInterval,
        boolean enabled,
        boolean deleted,
        List<String> cmd,
        List<String> args,
        JsonNode metadata,
        Instant nextExecutionTime,
        Instant createdAt,
        Instant updatedAt) {

    public Task {
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** The flow the task runs as; its executions are this flow's. */
    public String flowName() {
        return flowName(id);
    }

    public static String flowName(String taskId) {
        return "task-" + taskId;
    }

    public boolean periodic() {
        return executionInterval != null && executionInterval > 0;
    }
}
