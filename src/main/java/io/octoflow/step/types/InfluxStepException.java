package io.octoflow.step.types;

/** A write or query of an {@code influx} step that failed: its message names the URL and the database. */
final class InfluxStepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InfluxStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
