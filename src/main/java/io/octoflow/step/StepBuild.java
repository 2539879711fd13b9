package io.octoflow.step;

import org.apache.camel.model.ProcessorDefinition;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;

/** Where a step type appends its processors, its compiled settings, and what it may use to build them. */
public record StepBuild<S>(ProcessorDefinition<?> route, FlowDefinition flow, StepDefinition<S> step,
        StepServices services) {

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

    /** What the step type's {@code compile} returned for this step. */
    public S settings() {
        return step.settings();
    }
}
