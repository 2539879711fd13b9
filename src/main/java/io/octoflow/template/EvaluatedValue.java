package io.octoflow.template;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/** An expression node holding a value already evaluated, so that it is not evaluated twice. */
final class EvaluatedValue extends AstRightValue {

    private final Object value;

    EvaluatedValue(Object value) {
        this.value = value;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        return value;
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        builder.append(value);
    }

    @Override
    public int getCardinality() {
        return 0;
    }

    @Override
    public AstNode getChild(int i) {
        return null;
    }
}
