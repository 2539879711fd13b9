package io.octoflow.launch;

import java.time.Duration;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.flow.Concurrency;

/**
 * What the {@link Launcher} runs: a deployed flow, or one iteration of a unit that is not a flow (a miniloops
 * {@code Loop}). Whatever it is, a run of it takes the same lock, gets the same history row and the same metrics.
 */
public interface LaunchTarget {

    /** The lock key and the history's {@code flow_path}: unique among everything the launcher runs. */
    String id();

    /** The history's {@code flow_name}, for people to read. */
    String name();

    /**
     * The flow's {@code concurrency}: {@code forbid} (one run at a time, another launch is refused), {@code queue}
     * (wait for the lock) or {@code allow} (no lock).
     */
    Concurrency concurrency();

    /** How long a run may take when the launch does not say. */
    Duration defaultTimeout();

    /** Runs once and returns the outcome; a failed run is a result, not an exception. */
    RunResult run(LaunchRequest request, Duration timeout);

    /** How log lines name it. */
    default String describe() {
        return "flow '" + name() + "' (" + id() + ")";
    }
}
