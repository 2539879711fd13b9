package io.octoflow.execution;

/**
 * An error the spooler raises while it builds a step rather than while it runs it (a goto to no step, for one): it
 * fails the flow even with {@code ignore_errors} or {@code on_error_goto}, and is not added to {@code __errors__}.
 */
public class StepConstructionException extends RuntimeException {

    public StepConstructionException(String message) {
        super(message);
    }

    public StepConstructionException(String message, Throwable cause) {
        super(message, cause);
    }
}
