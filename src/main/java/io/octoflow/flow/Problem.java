package io.octoflow.flow;

/**
 * One thing wrong with a flow file, where it is, and what was expected. An {@link Severity#ERROR} keeps the flow
 * from loading; a {@link Severity#WARNING} is one of Octoflow's stricter checks on a file the spooler accepts: the
 * flow loads, {@code validate} prints it, {@code validate --strict} counts it as an error.
 */
public record Problem(String file, int line, int column, String message, Severity severity)
        implements Comparable<Problem> {

    public enum Severity {
        ERROR, WARNING;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** An error. */
    public Problem(String file, int line, int column, String message) {
        this(file, line, column, message, Severity.ERROR);
    }

    public static Problem warning(String file, int line, int column, String message) {
        return new Problem(file, line, column, message, Severity.WARNING);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public boolean isWarning() {
        return severity == Severity.WARNING;
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.label() + ": " + message;
    }

    @Override
    public int compareTo(Problem other) {
        int byLine = Integer.compare(line, other.line);
        return byLine != 0 ? byLine : Integer.compare(column, other.column);
    }
}
