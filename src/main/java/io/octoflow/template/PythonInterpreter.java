package io.octoflow.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.NullValue;
import com.hubspot.jinjava.objects.SafeString;

/**
 * A Jinjava interpreter that prints values the way Jinja2 does: Python's {@code str()} ({@code None},
 * {@code True}, {@code ['a']}). Jinjava has one null for both Jinja2's {@code None} and its undefined; the
 * interpreter remembers whether the last name or key looked up was missing, so an undefined prints empty and a
 * {@code None} prints {@code None}.
 */
final class PythonInterpreter extends JinjavaInterpreter {

    static final InterpreterFactory FACTORY = new InterpreterFactory() {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig renderConfig) {
            return new PythonInterpreter(application, context, renderConfig);
        }
    };

    private boolean lastLookupUndefined;

    PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    private PythonInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    /** Records whether the value just looked up was missing (Jinja2's undefined) rather than present. */
    static void noteLookup(boolean undefined) {
        if (JinjavaInterpreter.getCurrent() instanceof PythonInterpreter current) {
            current.lastLookupUndefined = undefined;
        }
    }

    /** Whether a null just produced stands for Jinja2's undefined (prints empty) rather than None. */
    static boolean lastNullIsUndefined() {
        return JinjavaInterpreter.getCurrent() instanceof PythonInterpreter current && current.lastLookupUndefined;
    }

    /** True when a name is bound in any scope of the context, even to null (Jinja2's None). */
    static boolean isBound(Context context, String name) {
        for (Context scope = context; scope != null; scope = scope.getParent()) {
            if (scope.getScope().containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getAsString(Object object) {
        return text(object);
    }

    static String text(Object value) {
        if (value == null) {
            return lastNullIsUndefined() ? "" : "None";
        }
        if (value instanceof NullValue) {
            return "None";
        }
        if (value instanceof SafeString safe) {
            return safe.toString();
        }
        return PythonText.str(value);
    }
}
