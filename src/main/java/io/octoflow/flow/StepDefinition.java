package io.octoflow.flow;

import java.util.List;
import java.util.regex.Pattern;

import io.octoflow.template.Condition;

/**
 * One validated step: the common keys, compiled, plus the settings {@code S} its {@link StepFormat step type} compiled from the block
 * named after the type ({@code rest:}, {@code file:}...).
 *
 * <p>{@code id} is unique in its flow (the name; {@code name#2}... for a later step of the same name), for the ids of
 * the step's processors. The three {@code ...BrokenBecause} texts come from load-time warnings about something that
 * does not compile (a {@code when}, the step's own templates or jq, its {@code jq_expression}): the spooler fails
 * only when it runs such a step, so Octoflow loads the flow and fails the step at that same moment, with that text.
 * {@code retry} is the step's {@code retry:} block, or null (one attempt).
 */
public record StepDefinition<S>(
        String name,
        String id,
        StepFormat<S> type,
        List<Condition> when,
        String resultKey,
        List<IgnorePattern> ignoreErrors,
        String onErrorGoto,
        RetryPolicy retry,
        String jqExpression,
        String dataKey,
        S settings,
        YNode node,
        String whenBrokenBecause,
        String workBrokenBecause,
        String jqBrokenBecause) {

    /** One {@code ignore_errors} regex: its source as written, compiled the way Python reads it. */
    public record IgnorePattern(String source, Pattern pattern) {
    }

    /**
     * The first {@code ignore_errors} regex that matches an error, or null. Like the spooler, a regex is tried at the
     * start ({@code re.match}) of the Python text of the error's detail; Octoflow's own message is also searched
     * ({@code find}), so patterns written for either keep working.
     */
    public String ignoredBy(String pythonDetail, String ownMessage) {
        for (IgnorePattern ignore : ignoreErrors) {
            if (PythonRegex.matchesAtStart(ignore.pattern(), pythonDetail)
                    || ownMessage != null && ignore.pattern().matcher(ownMessage).find()) {
                return ignore.source();
            }
        }
        return null;
    }

    /** Whether some error text would be ignored (tests, diagnostics): same rule as {@link #ignoredBy}. */
    public boolean ignores(String errorText) {
        return ignoredBy("{}", errorText) != null;
    }
}
