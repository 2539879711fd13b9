package io.octoflow.template;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/** Jinja2's undefined as an expression (the missing else of {@code 'x' if c}): null that prints empty. */
final class UndefinedValue extends AstRightValue {

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        PythonInterpreter.noteLookup(true);
        return null;
    }

    @Override
    public String toString() {
        return "undefined";
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        builder.append("undefined");
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
