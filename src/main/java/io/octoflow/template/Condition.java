package io.octoflow.template;

import java.util.Collection;
import java.util.Map;

/** A step's {@code when}: true when the expression (or rendered template) is truthy the way Jinja sees it. */
public final class Condition {

    private final String source;
    private final Template template;
    private final String expression;
    private final Templates engine;

    Condition(String source, Template template, String expression, Templates engine) {
        this.source = source;
        this.template = template;
        this.expression = expression;
        this.engine = engine;
    }

    public String source() {
        return source;
    }

    public boolean test(Map<String, Object> context) {
        Object value = expression != null ? engine.evaluate(expression, context) : template.evaluate(context);
        return truthy(value);
    }

    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            String trimmed = s.trim();
            return !trimmed.isEmpty() && !trimmed.equalsIgnoreCase("false") && !trimmed.equalsIgnoreCase("none")
                    && !trimmed.equals("0");
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }
}
