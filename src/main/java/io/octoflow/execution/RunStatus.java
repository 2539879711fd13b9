package io.octoflow.execution;

/** The outcome of a run, as the spooler named them. */
public enum RunStatus {
    RUNNING, SUCCESS, FAILED, EXIT, SKIPPED, TIMEOUT, ABORTED;

    public String label() {
        return name().toLowerCase();
    }

    public boolean ok() {
        return this == SUCCESS || this == EXIT;
    }
}
