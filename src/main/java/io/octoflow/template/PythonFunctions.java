package io.octoflow.template;

import java.util.LinkedHashMap;
import java.util.Map;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

/** Jinja2's global functions Jinjava lacks: {@code dict(a=1, b=2)}, {@code joiner()}, {@code cycler()}. */
public final class PythonFunctions {

    private PythonFunctions() {
    }

    static void register(Context context) {
        context.registerFunction(new ELFunctionDefinition("", "dict", PythonFunctions.class, "dict", Object[].class));
        context.registerFunction(new ELFunctionDefinition("", "joiner", PythonFunctions.class, "joiner",
                Object[].class));
        context.registerFunction(new ELFunctionDefinition("", "cycler", PythonFunctions.class, "cycler",
                Object[].class));
    }

    /** {@code joiner(sep=', ')}. */
    public static Joiner joiner(Object... parameters) {
        Object separator = ", ";
        for (Object p : parameters) {
            separator = p instanceof NamedParameter named && named.getName().equals("sep") ? named.getValue() : p;
        }
        if (parameters.length > 1) {
            throw new IllegalArgumentException("joiner() takes at most 1 argument");
        }
        return new Joiner(PythonInterpreter.text(separator));
    }

    /** {@code cycler(*items)}. */
    public static Cycler cycler(Object... items) {
        return new Cycler(java.util.Arrays.asList(items));
    }

    /** {@code dict(mapping or (key, value) pairs?, key=value...)}. */
    public static Map<Object, Object> dict(Object... parameters) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object p : parameters) {
            if (p instanceof NamedParameter named) {
                out.put(named.getName(), named.getValue());
            } else if (p instanceof Map<?, ?> map) {
                out.putAll(map);
            } else if (p instanceof java.util.Collection<?> pairs) {
                for (Object pair : pairs) {
                    if (!(pair instanceof java.util.List<?> kv) || kv.size() != 2) {
                        throw new IllegalArgumentException("dictionary update sequence element has not length 2");
                    }
                    out.put(kv.get(0), kv.get(1));
                }
            } else {
                throw new IllegalArgumentException("dict() takes a mapping and key=value arguments");
            }
        }
        return out;
    }
}
