package io.octoflow.jmx;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.octoflow.history.Execution;

/**
 * What can be seen and done to a deployed flow from outside: JMX here, the REST API too. Flows are identified by
 * their path ({@code flowPath}: relative to FLOWS_PATH), never by their name, which files may share.
 */
public interface FlowControl {

    /** The name of the flow at {@code flowPath}; empty when no flow is deployed there. */
    Optional<String> name(String flowPath);

    /** Its schedules, described ({@code cron '...'}, {@code every N s}). */
    List<String> schedules(String flowPath);

    Optional<Instant> nextFire(String flowPath);

    Optional<Execution> lastRun(String flowPath);

    boolean locked(String flowPath);

    boolean paused(String flowPath);

    /** Launches the flow with {@code input}; returns the execution id, or throws with why it was refused. */
    String launch(String flowPath, Object input, String trigger);

    boolean unlock(String flowPath);

    /** True when that changed something. */
    boolean pause(String flowPath);

    boolean resume(String flowPath);
}
