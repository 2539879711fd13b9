package io.octoflow.template;

import java.util.LinkedHashMap;
import java.util.Map;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

/** Jinja2's global functions Jinjava lacks: {@code dict(a=1, b=2)}. */
public final class PythonFunctions {

    private PythonFunctions() {
    }

    static void register(Context context) {
        context.registerFunction(new ELFunctionDefinition("", "dict", PythonFunctions.class, "dict", Object[].class));
    }

    /** {@code dict(mapping?, key=value...)}. */
    public static Map<Object, Object> dict(Object... parameters) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Object p : parameters) {
            if (p instanceof NamedParameter named) {
                out.put(named.getName(), named.getValue());
            } else if (p instanceof Map<?, ?> map) {
                out.putAll(map);
            } else {
                throw new IllegalArgumentException("dict() takes a mapping and key=value arguments");
            }
        }
        return out;
    }
}
