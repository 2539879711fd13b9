package io.octoflow.template;

import java.util.Map;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.MethodNotFoundException;
import jinjava.javax.el.PropertyNotFoundException;

/**
 * Jinjava's expression syntax with Jinja2's rules where they differ: an attribute, item or method of an undefined
 * (or None) value is an error, an unknown filter or test is an error (Jinjava would print nothing), missing names
 * and keys are told apart from None values; parsed by {@link PythonParser}.
 */
public final class PythonSyntax extends ExtendedSyntaxBuilder {

    private static final long serialVersionUID = 1L;

    public PythonSyntax() {
        super();
    }

    public PythonSyntax(Feature... features) {
        super(features);
    }

    @Override
    protected Parser createParser(String expression) {
        return new PythonParser(this, expression);
    }

    /** A failure Jinja2 reports as UndefinedError or TemplateAssertionError; Jinjava records it as fatal. */
    static final class UndefinedError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UndefinedError(String message) {
            super(message);
        }
    }

    /**
     * A call. A filter or test that does not exist is an error, and so is a method of an undefined or None value
     * ({@code nothing.upper()}), as in Jinja2; Jinjava gives null for both.
     */
    static final class Method extends AstMethod {
        private final AstProperty property;
        private final AstParameters params;

        Method(AstProperty property, AstParameters params) {
            super(property, params);
            this.property = property;
            this.params = params;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            if (property instanceof Dot dot && dot.base() instanceof Identifier id) {
                String name = id.getName();
                JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
                if (interpreter != null && name.startsWith(ExtendedParser.FILTER_PREFIX)) {
                    String filter = name.substring(ExtendedParser.FILTER_PREFIX.length());
                    if (interpreter.getContext().getFilter(filter) == null) {
                        throw new UndefinedError("No filter named '" + filter + "'");
                    }
                } else if (interpreter != null && name.startsWith(ExtendedParser.EXPTEST_PREFIX)) {
                    String test = name.substring(ExtendedParser.EXPTEST_PREFIX.length());
                    if (interpreter.getContext().getExpTest(test) == null) {
                        throw new UndefinedError("No test named '" + test + "'");
                    }
                }
            }
            if (!(property instanceof Dot) && !(property instanceof Bracket)) {
                return super.eval(bindings, context);
            }
            AstNode prefix = property.getChild(0);
            Object base = prefix.eval(bindings, context);
            Object name = property instanceof Dot dot ? dot.name() : ((Bracket) property).name(bindings, context);
            if (base == null) {
                throw new UndefinedError(PythonInterpreter.lastNullIsUndefined()
                        ? "'" + describe(prefix) + "' is undefined"
                        : "'None' has no attribute '" + name + "'");
            }
            context.setPropertyResolved(false);
            Object result = context.getELResolver().invoke(context, base, String.valueOf(name), null,
                    params.eval(bindings, context));
            if (!context.isPropertyResolved()) {
                throw new MethodNotFoundException("Cannot find method '" + name + "' in " + base.getClass());
            }
            return result;
        }
    }

    /** How a name or an attribute path reads in the template, for messages: {@code a.b}, {@code a[...]}. */
    static String describe(AstNode node) {
        if (node instanceof Identifier id) {
            return id.getName();
        }
        if (node instanceof Dot dot) {
            return describe(dot.base()) + "." + dot.name();
        }
        if (node instanceof Bracket bracket) {
            return describe(bracket.getChild(0)) + "[...]";
        }
        return "value";
    }

    private static Object lookup(AstProperty node, AstNode prefix, Object property, Bindings bindings,
            ELContext context) {
        Object base = prefix.eval(bindings, context);
        if (base == null) {
            if (prefix instanceof Identifier id && id.getName().startsWith(ExtendedParser.FILTER_PREFIX)) {
                throw new UndefinedError("No filter named '" + id.getName().substring(ExtendedParser.FILTER_PREFIX.length())
                        + "'");
            }
            if (prefix instanceof Identifier id && id.getName().startsWith(ExtendedParser.EXPTEST_PREFIX)) {
                throw new UndefinedError("No test named '"
                        + id.getName().substring(ExtendedParser.EXPTEST_PREFIX.length()) + "'");
            }
            throw new UndefinedError("'" + prefix + "' is undefined or None, so it has no attribute or item '"
                    + property + "'");
        }
        context.setPropertyResolved(false);
        Object value = context.getELResolver().getValue(context, base, property);
        if (!context.isPropertyResolved()) {
            throw new PropertyNotFoundException("Cannot resolve property '" + property + "' of " + prefix);
        }
        if (value == null) {
            PythonInterpreter.noteLookup(!(base instanceof Map<?, ?> map && map.containsKey(property)));
        } else {
            PythonInterpreter.noteLookup(false);
        }
        return value;
    }

    static final class Dot extends AstDot {
        Dot(AstNode base, String property, boolean lvalue) {
            super(base, property, lvalue);
        }

        AstNode base() {
            return prefix;
        }

        String name() {
            return property;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            return lookup(this, prefix, property, bindings, context);
        }
    }

    static final class Bracket extends AstBracket {
        Bracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
            super(base, property, lvalue, strict);
        }

        Object name(Bindings bindings, ELContext context) {
            return property.eval(bindings, context);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object base = prefix.eval(bindings, context);
            if (base == null) {
                return lookup(this, prefix, property, bindings, context);
            }
            Object key = property.eval(bindings, context);
            if (key == null) {
                return null;
            }
            if (base instanceof CharSequence text && key instanceof Number n) {
                int i = n.intValue() < 0 ? text.length() + n.intValue() : n.intValue();
                if (i < 0 || i >= text.length()) {
                    throw new UndefinedError("string index out of range");
                }
                PythonInterpreter.noteLookup(false);
                return String.valueOf(text.charAt(i));
            }
            return lookup(this, new EvaluatedValue(base), key, bindings, context);
        }
    }

    static final class Identifier extends AstIdentifier {
        Identifier(String name, int index) {
            super(name, index);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            // none/None are Jinja2 literals, never a variable (a step named "none" must not shadow them)
            if (getName().equals("none") || getName().equals("None")) {
                PythonInterpreter.noteLookup(false);
                return null;
            }
            Object value = super.eval(bindings, context);
            if (!getName().contains(":") && !getName().equals(ExtendedParser.INTERPRETER)) {
                JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
                PythonInterpreter.noteLookup(value == null && interpreter != null
                        && !PythonInterpreter.isBound(interpreter.getContext(), getName()));
            }
            return value;
        }
    }
}
