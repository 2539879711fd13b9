package io.octoflow.task;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** What a client sends for a task (rego's field names); null fields keep their current or default value. */
public record TaskInput(
        String id,
        String image,
        String name,
        String namespace,
        Integer executionInterval,
        Boolean enabled,
        List<String> cmd,
        List<String> args,
        JsonNode metadata) {
}
