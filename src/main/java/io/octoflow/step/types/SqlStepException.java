package io.octoflow.step.types;

/** A statement of a {@code sql} step that the database refused: its message carries the SQL state. */
final class SqlStepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    SqlStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
