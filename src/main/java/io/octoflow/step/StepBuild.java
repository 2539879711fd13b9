package io.octoflow.step;

import org.apache.camel.model.ProcessorDefinition;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;

/** Where a step type appends its processors, and what it may use to build them. */
public record StepBuild(ProcessorDefinition<?> route, FlowDefinition flow, StepDefinition step, StepServices services) {

    /**
     * The id of the step's main processor: the step's id (its name; {@code name#2} for a later step of the same
     * name), qualified by its flow's path (ids are unique per context, and two flows may share a name).
     */
    public String id() {
        return flow.camelId() + "/" + FlowDefinition.camelText(step.id());
    }

    /** The id of a helper processor of the step. */
    public String id(String part) {
        return id() + ":" + part;
    }

    public <T> T settings(Class<T> type) {
        return step.settings(type);
    }
}
