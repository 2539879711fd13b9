package io.octoflow.execution;

import java.util.Locale;

/** How one step of a run ended, as its {@link StepRecord} and the history keep it. */
public enum StepStatus {
    SUCCESS,
    /** Its {@code when} was false. */
    SKIPPED,
    /** It failed and {@code ignore_errors} matched: the run went on. */
    IGNORED,
    /** This attempt failed and the step's {@code retry} runs it again (Kestra's RETRIED, Airflow's up_for_retry). */
    RETRIED,
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
