package io.octoflow.template;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.hubspot.jinjava.tree.Node;

/**
 * A template compiled once when its flow loads. {@link #render} gives Jinja2's text (one final newline dropped,
 * values printed with Python's {@code str()}); {@link #evaluate} of a template that is exactly one
 * {@code {{ expression }}} gives the expression's typed value (a list stays a list).
 */
public final class Template {

    private final Templates engine;
    private final String source;
    private final String text;
    private final Node tree;
    private final String expression;
    /**
     * The expression as a path of names ({@code item.source}), or null: such a template is looked up in the data's
     * maps directly when every name is there and the value is plain data (what Jinjava would give too), without
     * a Jinjava interpreter per call; a template of a batch step is evaluated once per item.
     */
    private final List<String> path;

    /** {@code a.b.c}: names only, no index, filter, call or operator. */
    private static final Pattern PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    /** Names that are not (only) keys: literals, operators, and the methods of a dict ({@code d.items}). */
    private static final Set<String> NOT_KEYS = Set.of("true", "false", "none", "True", "False", "None", "and", "or",
            "not", "in", "is", "if", "else", "items", "keys", "values", "get", "update", "pop", "popitem", "copy",
            "clear", "setdefault", "fromkeys", "append", "extend", "insert", "remove", "index", "count", "sort",
            "reverse", "loop", "range", "caller", "super", "self", "varargs", "kwargs");

    Template(Templates engine, String source, String text, Node tree, String expression) {
        this.engine = engine;
        this.source = source;
        this.text = text;
        this.tree = tree;
        this.expression = expression;
        List<String> names = expression != null && PATH.matcher(expression).matches()
                ? List.of(expression.split("\\.")) : null;
        this.path = names != null && names.stream().noneMatch(NOT_KEYS::contains) ? names : null;
    }

    /**
     * The value at {@link #path} when it is a String, Boolean, Integer, Long, Double, mapping or list; else null (ask
     * Jinjava).
     */
    private Object lookup(Map<String, Object> context) {
        Object value = context;
        for (String name : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(name);
        }
        if (value instanceof Map<?, ?> || value instanceof java.util.Collection<?>) {
            return Templates.plain(value); // a copy, as Jinjava's value is
        }
        return value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double ? value : null;
    }

    public String source() {
        return source;
    }

    public boolean isConstant() {
        return tree == null;
    }

    /** Renders to a value: the expression's own value for a single {@code {{ }}}, a string otherwise. */
    public Object evaluate(Map<String, Object> context) {
        if (expression != null) {
            Object value = path != null ? lookup(context) : null;
            return value != null ? value : engine.evaluate(expression, context);
        }
        return render(context);
    }

    /** Renders to text as Jinja2's {@code Template(source).render(context)} does. */
    public String render(Map<String, Object> context) {
        if (tree == null) {
            return text;
        }
        if (path != null) {
            // a string prints as it is, a whole number as Python's str() does; anything else as Jinja2 prints it
            Object value = lookup(context);
            if (value instanceof String || value instanceof Integer || value instanceof Long) {
                return value.toString();
            }
        }
        return engine.render(tree, context);
    }
}
