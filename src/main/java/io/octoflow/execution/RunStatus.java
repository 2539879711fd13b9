package io.octoflow.execution;

/**
 * The outcome of a run, as the spooler named them, and {@code queued}: a launch of a {@code concurrency: queue}
 * flow admitted and waiting for the flow's lock (it becomes {@code running}, or {@code skipped} or {@code aborted}).
 */
public enum RunStatus {
    QUEUED, RUNNING, SUCCESS, FAILED, EXIT, SKIPPED, TIMEOUT, ABORTED;

    public String label() {
        return name().toLowerCase();
    }

    public boolean ok() {
        return this == SUCCESS || this == EXIT;
    }
}
