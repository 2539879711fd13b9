package io.octoflow.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems of one flow file as they are found, each at its line and column and prefixed with the step being
 * read ({@code step 'a': ...}); and, for that step, what makes it fail when it runs: a load-time problem the
 * spooler only meets when it runs the step ({@link #failsWhenRun}), kept by phase (its {@code when}, its work, its
 * {@code jq_expression}) so that the step fails at that same moment.
 */
final class FileProblems {

    enum Phase { WHEN, WORK, JQ }

    /** What makes the step being read fail when it runs, by phase; the first problem of each phase. */
    static final class Deferred {
        String when;
        String work;
        String jq;
    }

    /** Where the reader is: the step (null: the flow itself), its deferred failures and the phase being read. */
    record Position(String step, Deferred deferred, Phase phase) {
    }

    private final String label;
    private final List<Problem> problems = new ArrayList<>();
    private String step;
    private Deferred deferred;
    private Phase phase = Phase.WORK;

    FileProblems(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Starts reading a step (named {@code name}, may be null); returns where the reader was, to {@link #leave}. */
    Position enter(String name) {
        Position previous = new Position(step, deferred, phase);
        step = name;
        deferred = new Deferred();
        phase = Phase.WORK;
        return previous;
    }

    void leave(Position previous) {
        step = previous.step();
        deferred = previous.deferred();
        phase = previous.phase();
    }

    void phase(Phase next) {
        phase = next;
    }

    Deferred deferred() {
        return deferred;
    }

    /** The step being read, or null. */
    String step() {
        return step;
    }

    /** The problems as found (the YAML reader adds its own to it). */
    List<Problem> raw() {
        return problems;
    }

    void error(YNode at, String message) {
        problems.add(new Problem(label, at.line(), at.column(), where() + message));
    }

    void warning(YNode at, String message) {
        problems.add(Problem.warning(label, at.line(), at.column(), where() + message));
    }

    void report(YNode at, String message, Problem.Severity severity) {
        if (severity == Problem.Severity.WARNING) {
            warning(at, message);
        } else {
            error(at, message);
        }
    }

    /** See {@link StepCompiler#failsWhenRun}: outside a step, it is an error. */
    void failsWhenRun(YNode at, String message) {
        warning(at, message + "; the step fails when it runs");
        if (deferred == null) {
            error(at, message);
            return;
        }
        String text = message + " (" + label + " line " + at.line() + ", column " + at.column() + ")";
        switch (phase) {
            case WHEN -> deferred.when = deferred.when != null ? deferred.when : text;
            case JQ -> deferred.jq = deferred.jq != null ? deferred.jq : text;
            case WORK -> deferred.work = deferred.work != null ? deferred.work : text;
        }
    }

    /** Every problem so far, by line and column. */
    List<Problem> sorted() {
        List<Problem> copy = new ArrayList<>(problems);
        copy.sort(null);
        return List.copyOf(copy);
    }

    private String where() {
        return step != null ? "step '" + step + "': " : "";
    }
}
