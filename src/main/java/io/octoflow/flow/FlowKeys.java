package io.octoflow.flow;

import java.util.List;

import io.octoflow.flow.Key.Kind;

/** The keys of a flow file and the keys every step shares, as the spooler named them. */
public final class FlowKeys {

    private FlowKeys() {
    }

    public static final List<Key> FLOW = List.of(
            Key.optional("name", Kind.STRING, "Name of the flow, for people (files may share one: a flow is"
                    + " identified by its path); default: the file name."),
            Key.optional("description", Kind.STRING, "What the flow does."),
            Key.required("steps", Kind.LIST, "The steps, run in order."),
            Key.optional("finally_step", Kind.STRING,
                    "Name of a step that always runs last, even after a failure (not after an exit)."),
            Key.optional("cron", Kind.STRING,
                    "Schedule: 5-field crontab (*/5 * * * *) or Quartz 6/7-field expression."),
            Key.optional("every_seconds", Kind.INTEGER, "Schedule: run every N seconds."),
            Key.optional("timeout_seconds", Kind.INTEGER,
                    "Stop a run after this many seconds (status timeout); default FLOW_TIMEOUT_SECONDS."),
            Key.oneOf("concurrency", "forbid", List.of("forbid", "allow", "queue"),
                    "Runs of this flow at the same time: forbid (default: one at a time, a locked launch is refused"
                            + " or skipped), allow (no lock), queue (wait for the lock)."));

    public static final List<Key> STEP = List.of(
            Key.required("name", Kind.STRING, "Name of the step, unique in the flow."),
            Key.required("type", Kind.STRING, "The step type."),
            Key.optional("when", Kind.STRING_LIST,
                    "Jinja expression, or list of them, that must all be true for the step to run."),
            Key.optional("result_key", Kind.STRING, "Where the result is stored in the flow data; default: the"
                    + " step name."),
            Key.optional("ignore_errors", Kind.STRING_LIST,
                    "Regexes matched against the error text; a match lets the flow go on and adds the error to"
                            + " __errors__."),
            Key.optional("jq_expression", Kind.STRING, "jq program applied to the step's result."));
}
