package io.octoflow.template;

import java.util.List;

/** Jinja2's {@code cycler(*items)}: {@code next()} gives the current item and moves on, {@code current}, {@code reset()}. */
public final class Cycler {

    private final List<Object> items;
    private int position;

    Cycler(List<Object> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("at least one item has to be provided");
        }
        this.items = items;
    }

    public Object next() {
        Object item = items.get(position);
        position = (position + 1) % items.size();
        return item;
    }

    public Object getCurrent() {
        return items.get(position);
    }

    public void reset() {
        position = 0;
    }

    @Override
    public String toString() {
        return "<jinja2.utils.Cycler object>";
    }
}
