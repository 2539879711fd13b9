package io.octoflow.flow;

/** One thing wrong with a flow file, where it is, and what was expected. */
public record Problem(String file, int line, int column, String message) implements Comparable<Problem> {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(Problem other) {
        int byLine = Integer.compare(line, other.line);
        return byLine != 0 ? byLine : Integer.compare(column, other.column);
    }
}
