package io.octoflow.template;

import java.lang.reflect.Method;

import com.hubspot.jinjava.el.ext.AstMacroFunction;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.javax.el.ELContext;

/**
 * {@code name(args)}: a macro, else a variable holding a {@link PythonCallable}, else a registered function. A name
 * that is none of these is undefined, as in Jinja2 ({@link #UNRESOLVED} lets the expression bind until it runs).
 */
final class PythonCall extends AstMacroFunction {

    /** Bound to a name no function mapper knows; only reached when the name is not a callable variable either. */
    static final Method UNRESOLVED;

    static {
        try {
            UNRESOLVED = PythonCall.class.getMethod("unresolved", Object[].class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AstParameters params;

    PythonCall(String name, int index, AstParameters params, boolean varargs) {
        super(name, index, params, varargs);
        this.params = params;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        if (interpreter != null && interpreter.getContext().getGlobalMacro(getName()) == null
                && interpreter.getContext().get(getName()) instanceof PythonCallable callable) {
            return callable.call(params.eval(bindings, context));
        }
        if (interpreter != null && interpreter.getContext().getGlobalMacro(getName()) == null
                && bindings.getFunction(getIndex()).equals(UNRESOLVED)) {
            throw new PythonSyntax.UndefinedError("'" + getName() + "' is undefined");
        }
        return super.eval(bindings, context);
    }

    /** Public for reflection only: see {@link #UNRESOLVED}. */
    public static Object unresolved(Object... args) {
        throw new PythonSyntax.UndefinedError("a function that does not exist was called");
    }
}
