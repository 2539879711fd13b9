package io.octoflow.execution;

import java.util.Locale;

/**
 * What started a run. Every launch carries one and the history stores its {@link #label()}; a new way of starting
 * runs (an event source, say) adds a constant here so that the history, the metrics and the API can only ever see
 * known values.
 */
public enum Trigger {
    /** A Quartz fire of the flow's cron or every_seconds schedule (or of a schedule added over the API). */
    SCHEDULE,
    /** {@code POST /api/flows/{path}/launch} or the spooler's {@code /api/v1/jobs}. */
    API,
    /** The JMX {@code launch} operation. */
    JMX,
    /** {@code octoflow launch} on the command line. */
    CLI,
    /** The flow's {@code autostart} at service start. */
    STARTUP,
    /** A rego task submitted over the API. */
    TASK,
    /** A miniloops {@code Loop} resource's iteration. */
    LOOP,
    /** A {@code POST /hooks/<path>} to the flow's {@code trigger: webhook}. */
    WEBHOOK,
    /** A file appearing in the directory of the flow's {@code trigger: file}. */
    FILE,
    /** The end of a run of the flow its {@code trigger: flow} names. */
    FLOW,
    /** A record (or batch) of the topic of the flow's {@code trigger: kafka}. */
    KAFKA;

    /** The lower-case word stored in the history and shown by the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The trigger for a stored label; unknown words are refused so that a typo cannot reach the history. */
    public static Trigger of(String label) {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("trigger is empty; expected one of " + known());
        }
        try {
            return valueOf(label.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trigger '" + label + "'; expected one of " + known(), e);
        }
    }

    private static String known() {
        StringBuilder out = new StringBuilder();
        for (Trigger t : values()) {
            out.append(out.length() == 0 ? "" : ", ").append(t.label());
        }
        return out.toString();
    }
}
