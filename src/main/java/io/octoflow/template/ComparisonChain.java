package io.octoflow.template;

import java.util.List;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/**
 * Python's chained comparison {@code a < b <= c}: each operand evaluated once, left to right, stopping at the first
 * comparison that is false (its result is the chain's).
 */
final class ComparisonChain extends AstRightValue {

    /** Builds one comparison node on two operands. */
    @FunctionalInterface
    interface Link {
        AstNode node(AstNode left, AstNode right);
    }

    private final List<AstNode> operands;
    private final List<Link> links;

    ComparisonChain(List<AstNode> operands, List<Link> links) {
        this.operands = List.copyOf(operands);
        this.links = List.copyOf(links);
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object left = operands.get(0).eval(bindings, context);
        Object result = Boolean.TRUE;
        for (int i = 0; i < links.size(); i++) {
            Object right = operands.get(i + 1).eval(bindings, context);
            result = links.get(i).node(new EvaluatedValue(left), new EvaluatedValue(right)).eval(bindings, context);
            if (!PythonTypeConverter.truthy(result)) {
                return result;
            }
            left = right;
        }
        return result;
    }

    @Override
    public String toString() {
        return "comparison chain";
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        for (AstNode operand : operands) {
            operand.appendStructure(builder, bindings);
        }
    }

    @Override
    public int getCardinality() {
        return operands.size();
    }

    @Override
    public AstNode getChild(int i) {
        return operands.get(i);
    }
}
