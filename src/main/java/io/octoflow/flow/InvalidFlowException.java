package io.octoflow.flow;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a flow (or a flow it calls) does not validate; carries every problem found. */
public class InvalidFlowException extends RuntimeException {

    private final List<Problem> problems;

    public InvalidFlowException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
