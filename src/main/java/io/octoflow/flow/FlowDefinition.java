package io.octoflow.flow;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated flow. {@code steps} is the order of execution: the {@code finally_step} is taken out of the
 * sequence and placed last, so it runs once at the end whatever happened before (except after an {@code exit}).
 */
public record FlowDefinition(
        String name,
        String description,
        String path,
        Path file,
        List<StepDefinition> steps,
        String finallyStep,
        String cron,
        Long everySeconds,
        Long timeoutSeconds,
        String concurrency,
        List<String> subFlows) {

    public String routeId() {
        return "flow-" + name;
    }

    public String endpointUri() {
        return endpointUri(name);
    }

    public static String endpointUri(String flowName) {
        return "direct:flow-" + slug(flowName);
    }

    static String slug(String name) {
        String slug = name.toLowerCase().replaceAll("[^a-z0-9_.-]+", "-");
        return slug.isEmpty() ? "flow" : slug;
    }

    public int indexOf(String stepName) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(stepName)) {
                return i;
            }
        }
        return -1;
    }

    public boolean hasFinally() {
        return finallyStep != null;
    }

    public int finallyIndex() {
        return finallyStep == null ? -1 : steps.size() - 1;
    }
}
