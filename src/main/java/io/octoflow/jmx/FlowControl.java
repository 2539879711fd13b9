package io.octoflow.jmx;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.octoflow.history.Execution;

/** What can be seen and done to a deployed flow from outside: JMX here, the REST API too. */
public interface FlowControl {

    /** The flow file relative to FLOWS_PATH; empty when no flow has that name. */
    Optional<String> path(String flowName);

    /** Its schedules, described ({@code cron '...'}, {@code every N s}). */
    List<String> schedules(String flowName);

    Optional<Instant> nextFire(String flowName);

    Optional<Execution> lastRun(String flowName);

    boolean locked(String flowName);

    boolean paused(String flowName);

    /** Launches the flow with {@code input}; returns the execution id, or throws with why it was refused. */
    String launch(String flowName, Object input, String trigger);

    boolean unlock(String flowName);

    /** True when that changed something. */
    boolean pause(String flowName);

    boolean resume(String flowName);
}
