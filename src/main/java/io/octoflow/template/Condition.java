package io.octoflow.template;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A step's {@code when}: rendered as {@code {{ condition }}} and true only when the text, lower-cased, is
 * {@code true}, {@code 1} or {@code yes}, as on the spooler (so {@code 2}, {@code on} or a non-empty list are
 * false). An undefined name renders empty, so it is false; an attribute of an undefined name is an error.
 */
public final class Condition {

    private static final Set<String> TRUE = Set.of("true", "1", "yes");

    private final String source;
    private final Template template;

    Condition(String source, Template template) {
        this.source = source;
        this.template = template;
    }

    public String source() {
        return source;
    }

    public boolean test(Map<String, Object> context) {
        return TRUE.contains(template.render(context).toLowerCase(Locale.ROOT));
    }
}
