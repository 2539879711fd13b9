package io.octoflow.template;

import java.util.Collection;
import java.util.Map;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.Namespace;

/**
 * Jinja2's {@code attr(name)}: Python's {@code getattr}, never an item lookup. Flow data (dicts, lists, strings,
 * numbers) has no attributes but methods, so {@code {{ d | attr('a') }}} is undefined even when {@code d} has a
 * key {@code a} (Jinjava's attr reads the key). A {@code namespace()} and Jinjava's own objects ({@code loop})
 * keep their attributes.
 */
final class AttrFilter implements Filter {

    @Override
    public String getName() {
        return "attr";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("attr() takes exactly 1 argument (" + args.length + " given)");
        }
        if (value == null && PythonInterpreter.lastNullIsUndefined()) {
            throw new PythonSyntax.UndefinedError("undefined value has no attribute '" + args[0] + "'");
        }
        if (value instanceof Namespace namespace) {
            PythonInterpreter.noteLookup(!namespace.containsKey(args[0]));
            return namespace.get(args[0]);
        }
        if (value == null || value instanceof Map || value instanceof Collection || value instanceof CharSequence
                || value instanceof Number || value instanceof Boolean) {
            PythonInterpreter.noteLookup(true);
            return null;
        }
        Object attribute = interpreter.resolveProperty(value, args[0]);
        PythonInterpreter.noteLookup(attribute == null);
        return attribute;
    }
}
