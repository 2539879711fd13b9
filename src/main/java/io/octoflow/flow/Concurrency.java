package io.octoflow.flow;

import java.util.Locale;

/** A flow's {@code concurrency}: what a launch does while another run of the same flow holds its lock. */
public enum Concurrency {
    /** One run at a time; another launch is refused (API 409, a scheduled fire is recorded skipped). */
    FORBID,
    /** No lock: runs may overlap. */
    ALLOW,
    /** Wait for the lock, up to the run's timeout. */
    QUEUE;

    /** The word of the flow file. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of a flow file's key, already checked against the declared words; null: the default. */
    public static Concurrency of(String word) {
        return word == null ? FORBID : valueOf(word.trim().toUpperCase(Locale.ROOT));
    }
}
