package io.octoflow.template;

/** Jinja2's {@code joiner(sep=', ')}: called, gives the empty string the first time and the separator after. */
public final class Joiner implements PythonCallable {

    private final String separator;
    private boolean used;

    Joiner(String separator) {
        this.separator = separator;
    }

    @Override
    public Object call(Object... args) {
        if (args.length > 0) {
            throw new IllegalArgumentException("joiner() takes no arguments when called");
        }
        if (!used) {
            used = true;
            return "";
        }
        return separator;
    }

    @Override
    public String toString() {
        return "<jinja2.utils.Joiner object>";
    }
}
