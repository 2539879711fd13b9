package io.octoflow.service;

import java.nio.file.Path;
import java.util.List;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;

/**
 * What one file of the flows directory currently runs as: a flow (with its schedule entry, if any) or the routes
 * of a Camel YAML DSL file. {@code problems} holds the last failed attempt to load a new version, which left the
 * previous version running.
 */
public record Deployment(
        Path file,
        String path,
        FlowDefinition flow,
        List<String> routeIds,
        String scheduleId,
        List<Problem> problems) {

    public boolean valid() {
        return problems.isEmpty();
    }

    public Deployment withProblems(List<Problem> newProblems) {
        return new Deployment(file, path, flow, routeIds, scheduleId, List.copyOf(newProblems));
    }
}
