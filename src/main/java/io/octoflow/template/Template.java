package io.octoflow.template;

import java.util.Map;

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

    Template(Templates engine, String source, String text, Node tree, String expression) {
        this.engine = engine;
        this.source = source;
        this.text = text;
        this.tree = tree;
        this.expression = expression;
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
            return engine.evaluate(expression, context);
        }
        return render(context);
    }

    /** Renders to text as Jinja2's {@code Template(source).render(context)} does. */
    public String render(Map<String, Object> context) {
        if (tree == null) {
            return text;
        }
        return engine.render(tree, context);
    }
}
