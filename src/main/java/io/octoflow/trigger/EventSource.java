package io.octoflow.trigger;

import io.octoflow.flow.FlowDefinition;

/**
 * The source of one kind of event trigger ({@code webhook}, {@code file}, {@code flow}): it follows the flows whose
 * {@code trigger:} block is of its kind as they are deployed, replaced and removed, and turns each event into one
 * launch through the {@link io.octoflow.launch.Launcher}, with {@link TriggerEvent} metadata as {@code __trigger__}.
 * A new kind (Kafka) is one more implementation handed to {@link EventTriggers} by the composition root.
 */
public interface EventSource {

    /** The kind of {@code trigger:} block it serves (see {@link io.octoflow.flow.TriggerFormats}). */
    String kind();

    /** Starts (or replaces) the trigger of {@code flow}, whose {@code trigger()} is of this kind. */
    void deploy(FlowDefinition flow) throws Exception;

    /** Stops the trigger of the flow with this id (its path); nothing when it has none here. */
    void undeploy(String flowId);

    /** Begins turning events into launches. */
    void start() throws Exception;

    /** Launches nothing more; quick (runs already admitted go on). */
    void stop();
}
