package io.octoflow.template;

import java.util.ArrayList;
import java.util.List;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/**
 * Python's slice with a step, {@code seq[start:stop:step]} ({@code 'abc'[::-1]}, {@code l[::2]}): a string gives
 * a string, a tuple a tuple, any other sequence a list. Missing bounds and negative indices as in Python.
 */
final class SliceNode extends AstRightValue {

    private final AstNode base;
    private final AstNode start;
    private final AstNode stop;
    private final AstNode step;

    SliceNode(AstNode base, AstNode start, AstNode stop, AstNode step) {
        this.base = base;
        this.start = start;
        this.stop = stop;
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object value = base.eval(bindings, context);
        if (value == null) {
            throw new PythonSyntax.UndefinedError("'" + base + "' is undefined or None, so it cannot be sliced");
        }
        Long from = bound(start, bindings, context);
        Long to = bound(stop, bindings, context);
        Long by = bound(step, bindings, context);
        if (value instanceof CharSequence text) {
            StringBuilder out = new StringBuilder();
            for (int i : indices(text.length(), from, to, by)) {
                out.append(text.charAt(i));
            }
            return out.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i : indices(list.size(), from, to, by)) {
                out.add(list.get(i));
            }
            return value instanceof PythonTuple ? new PythonTuple(out) : out;
        }
        throw new IllegalArgumentException("'" + PythonOperators.typeName(value) + "' object is not subscriptable");
    }

    private static Long bound(AstNode node, Bindings bindings, ELContext context) {
        if (node == null) {
            return null;
        }
        Object value = node.eval(bindings, context);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && !(value instanceof Double || value instanceof Float)) {
            return n.longValue();
        }
        throw new IllegalArgumentException("slice indices must be integers or None");
    }

    /** The positions a slice selects, as Python's {@code slice.indices(length)} and {@code range} give them. */
    static List<Integer> indices(int length, Long start, Long stop, Long step) {
        long by = step == null ? 1 : step;
        if (by == 0) {
            throw new IllegalArgumentException("slice step cannot be zero");
        }
        long from = start == null ? (by < 0 ? length - 1 : 0) : clamp(start, length, by);
        long to = stop == null ? (by < 0 ? -1 : length) : clamp(stop, length, by);
        List<Integer> out = new ArrayList<>();
        for (long i = from; by > 0 ? i < to : i > to; i += by) {
            out.add((int) i);
        }
        return out;
    }

    private static long clamp(long index, int length, long step) {
        if (index < 0) {
            index += length;
            if (index < 0) {
                return step < 0 ? -1 : 0;
            }
            return index;
        }
        return index >= length ? (step < 0 ? length - 1 : length) : index;
    }

    @Override
    public String toString() {
        return base + "[::]";
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        base.appendStructure(builder, bindings);
    }

    @Override
    public int getCardinality() {
        return 1;
    }

    @Override
    public AstNode getChild(int i) {
        return i == 0 ? base : null;
    }
}
