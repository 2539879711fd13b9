package io.octoflow.template;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.SafeString;

/**
 * Jinja2's builtin tests where Jinjava's differ or are missing: {@code defined} is true for a name bound to None,
 * strings are iterable sequences, {@code in} finds a substring, and {@code escaped}, {@code filter}, {@code test}.
 */
final class PythonTests {

    private PythonTests() {
    }

    @FunctionalInterface
    interface Body {
        boolean test(Object value, JinjavaInterpreter interpreter, Object[] args);
    }

    private record PyTest(String name, Body body) implements ExpTest {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return body.test(var, interpreter, args);
        }
    }

    static void register(Context context) {
        List.of(
                new PyTest("defined", (v, i, a) -> v != null || !PythonInterpreter.lastNullIsUndefined()),
                new PyTest("undefined", (v, i, a) -> v == null && PythonInterpreter.lastNullIsUndefined()),
                new PyTest("in", (v, i, a) -> contains(a.length > 0 ? a[0] : null, v)),
                new PyTest("iterable", (v, i, a) -> v instanceof Collection || v instanceof Map
                        || v instanceof CharSequence || v != null && v.getClass().isArray()),
                new PyTest("sequence", (v, i, a) -> v instanceof Collection || v instanceof Map
                        || v instanceof CharSequence || v != null && v.getClass().isArray()),
                new PyTest("escaped", (v, i, a) -> v instanceof SafeString),
                new PyTest("filter", (v, i, a) -> v != null && i.getContext().getFilter(v.toString()) != null),
                new PyTest("test", (v, i, a) -> v != null && i.getContext().getExpTest(v.toString()) != null))
                .forEach(context::registerExpTest);
    }

    /** Python's {@code value in container}. */
    static boolean contains(Object container, Object value) {
        if (container instanceof CharSequence text) {
            if (!(value instanceof CharSequence)) {
                throw new IllegalArgumentException("'in <string>' requires string as left operand, not "
                        + PythonOperators.typeName(value));
            }
            return text.toString().contains(value.toString());
        }
        if (container instanceof Map<?, ?> map) {
            return map.keySet().stream().anyMatch(k -> PythonOperators.equal(k, value));
        }
        if (container instanceof Collection<?> items) {
            return items.stream().anyMatch(k -> PythonOperators.equal(k, value));
        }
        throw new IllegalArgumentException("argument of type '" + PythonOperators.typeName(container)
                + "' is not iterable");
    }
}
