package io.octoflow.template;

import java.util.Collection;
import java.util.Map;

import com.hubspot.jinjava.el.TruthyTypeConverter;

/**
 * Jinjava's conversions with Python's rules where expressions convert values: text is Python's {@code str()}
 * ({@code 'x' ~ none} is {@code xNone}, {@code 'n' ~ true} is {@code nTrue}), and truth is Python's (a non-empty
 * string is true, even {@code 'False'}).
 */
final class PythonTypeConverter extends TruthyTypeConverter {

    private static final long serialVersionUID = 1L;

    @Override
    protected String coerceToString(Object value) {
        if (value == null) {
            return PythonInterpreter.lastNullIsUndefined() ? "" : "None";
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Enum<?>) {
            return super.coerceToString(value);
        }
        return PythonInterpreter.text(value);
    }

    @Override
    protected Boolean coerceToBoolean(Object value) {
        return truthy(value);
    }

    /** Python's truth value of flow data. */
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
        if (value instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(value) != 0;
        }
        return true;
    }
}
