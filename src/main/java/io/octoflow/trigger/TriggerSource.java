package io.octoflow.trigger;

/**
 * A way runs start, other than a direct call: Quartz schedules, the flows directory, rego tasks, Kubernetes
 * resources, and the flows' event triggers ({@link EventTriggers}: webhooks, files, other flows' ends). A source
 * gets the {@link io.octoflow.launch.Launcher} (the one launch path: lock, history, metrics) by constructor and launches with its own
 * {@link io.octoflow.execution.Trigger}; the composition root starts the sources in order once the launch path is
 * up and stops them in reverse order before the running flows are let finish.
 * <p>
 * A new kind of trigger is one class implementing this (and, if it is new, a {@code Trigger} constant), started by
 * the root. Sources depend on the launch path, never the other way round.
 */
public interface TriggerSource {

    /** For log lines: "schedules", "Kubernetes resources"... */
    String name();

    /** Begins launching (or deploying what launches). Called once, after every source before it started. */
    void start() throws Exception;

    /** Launches nothing more; runs already admitted go on (the root lets them finish). Called once, quickly. */
    void stop();
}
