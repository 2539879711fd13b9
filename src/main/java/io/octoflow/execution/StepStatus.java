package io.octoflow.execution;

import java.util.Locale;

/** How one step of a run ended, as its {@link StepRecord} and the history keep it. */
public enum StepStatus {
    SUCCESS,
    /** Its {@code when} was false. */
    SKIPPED,
    /** It failed and {@code ignore_errors} matched: the run went on. */
    IGNORED,
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
