package io.octoflow.template;

import java.util.Map;

import com.hubspot.jinjava.tree.Node;

/**
 * A template compiled once when its flow loads. Plain text renders to itself without touching Jinjava; a template
 * that is exactly one {@code {{ expression }}} renders to the expression's value (a list stays a list); anything
 * else renders to a string from its parsed tree.
 */
public final class Template {

    private final Templates engine;
    private final String source;
    private final Node tree;
    private final String expression;

    Template(Templates engine, String source, Node tree, String expression) {
        this.engine = engine;
        this.source = source;
        this.tree = tree;
        this.expression = expression;
    }

    public String source() {
        return source;
    }

    public boolean isConstant() {
        return tree == null && expression == null;
    }

    /** Renders to a value: the expression's own value for a single {@code {{ }}}, a string otherwise. */
    public Object evaluate(Map<String, Object> context) {
        if (expression != null) {
            return engine.evaluate(expression, context);
        }
        return render(context);
    }

    /** Renders to text. */
    public String render(Map<String, Object> context) {
        if (tree == null && expression == null) {
            return source;
        }
        if (expression != null) {
            Object value = engine.evaluate(expression, context);
            return value == null ? "" : engine.toText(value);
        }
        return engine.render(tree, context);
    }
}
