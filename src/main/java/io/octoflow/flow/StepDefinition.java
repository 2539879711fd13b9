package io.octoflow.flow;

import java.util.List;
import java.util.regex.Pattern;

import io.octoflow.step.StepType;
import io.octoflow.template.Condition;

/**
 * One validated step: the common keys, compiled, plus the settings its {@link StepType} compiled from the block
 * named after the type ({@code rest:}, {@code file:}...).
 */
public record StepDefinition(
        String name,
        StepType type,
        List<Condition> when,
        String resultKey,
        List<Pattern> ignoreErrors,
        String jqExpression,
        String dataKey,
        Object settings,
        YNode node) {

    public boolean ignores(String errorText) {
        for (Pattern pattern : ignoreErrors) {
            if (pattern.matcher(errorText).find()) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    public <T> T settings(Class<T> type) {
        return (T) settings;
    }
}
