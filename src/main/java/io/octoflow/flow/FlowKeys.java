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
            Key.optional("steps", Kind.LIST, "The steps, run in order (without any, the flow does nothing: a warning)."),
            Key.optional("finally_step", Kind.STRING,
                    "Name of a step that always runs last, even after a failure (not after an exit)."),
            Key.optional("cron", Kind.STRING,
                    "Schedule: 5-field crontab (*/5 * * * *) or Quartz 6/7-field expression."),
            Key.optional("every_seconds", Kind.INTEGER, "Schedule: run every N seconds.")
                    .range(1, Key.MAX_SECONDS),
            Key.optional("timeout_seconds", Kind.INTEGER,
                    "Stop a run after this many seconds (status timeout); default FLOW_TIMEOUT_SECONDS.")
                    .range(1, Key.MAX_SECONDS),
            Key.oneOf("concurrency", "forbid", List.of("forbid", "allow", "queue"),
                    "Runs of this flow at the same time: forbid (default: one at a time, a locked launch is refused"
                            + " or skipped), allow (no lock), queue (wait for the lock)."),
            TriggerFormats.KEY);

    /** goto targets that are no step: end the flow (success), start it again, end it with status exit. */
    public static final String END = "__end__";
    public static final String START = "__start__";
    public static final String EXIT = "__exit";
    public static final java.util.Set<String> GOTO_TARGETS = java.util.Set.of(END, START, EXIT);

    public static final List<Key> STEP = List.of(
            Key.required("name", Kind.STRING, "Name of the step; a goto to a name several steps share goes to the"
                    + " last of them."),
            Key.required("type", Kind.STRING, "The step type."),
            Key.optional("when", Kind.SCALAR_LIST,
                    "Jinja expression, or list of them, that must all be true for the step to run (each is rendered"
                            + " as {{ condition }}: a number or true/false is its Python text)."),
            Key.optional("result_key", Kind.STRING, "Where the result is stored in the flow data; default: the"
                    + " step name."),
            Key.optional("ignore_errors", Kind.STRING_LIST,
                    "Python regexes tried at the start of the error's detail as Python prints it (\"{'status_code':"
                            + " 404, 'response_content': ...}\" for an HTTP error, \"{}\" for others), and searched in"
                            + " Octoflow's error message; a match marks the __errors__ entry ignored and the flow goes"
                            + " on."),
            Key.optional("on_error_goto", Kind.STRING,
                    "After an error ignore_errors does not ignore, continue at this step (or __end__, __start__,"
                            + " __exit) instead of failing."),
            RetryPolicy.KEY,
            Key.optional("jq_expression", Kind.STRING, "jq program applied to the step's result."));

    /**
     * A step inside a switch case: its own when and result_key apply; errors go to the switch step's handling (its
     * ignore_errors, on_error_goto and retry).
     */
    public static final List<Key> NESTED_STEP = STEP.stream()
            .filter(k -> !k.name().equals("ignore_errors") && !k.name().equals("on_error_goto")
                    && !k.name().equals(RetryPolicy.KEY.name())).toList();
}
