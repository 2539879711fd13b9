package io.octoflow.template;

import java.util.List;
import java.util.function.Function;

import com.hubspot.jinjava.util.ForLoop;

/**
 * The {@code loop} of {@code {% for ... recursive %}}: Jinjava's loop variables plus {@code depth} and
 * {@code depth0}, and callable: {@code loop(children)} renders the loop body again over the children, one level
 * deeper.
 */
public final class RecursiveLoop extends ForLoop implements PythonCallable {

    private final int depth;
    private final Function<Object, String> deeper;

    RecursiveLoop(List<?> items, int depth, Function<Object, String> deeper) {
        super(items.iterator(), items.size());
        this.depth = depth;
        this.deeper = deeper;
    }

    @Override
    public int getDepth() {
        return depth + 1;
    }

    @Override
    public int getDepth0() {
        return depth;
    }

    @Override
    public Object call(Object... args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("loop() takes exactly one argument (" + args.length + " given)");
        }
        return deeper.apply(args[0]);
    }
}
