package io.octoflow.operations;

/**
 * An operation on a flow, run, lock or schedule that is refused, with why in words a user reads. The reason lets
 * each surface answer in its own terms (the REST API: 404, 409, 400) without checking again.
 */
public class OperationException extends RuntimeException {

    /** Why the operation was refused. */
    public enum Reason {
        /** What the operation names does not exist (no such flow, execution or schedule). */
        NOT_FOUND,
        /** It exists but cannot be done now (locked, not running, already scheduled). */
        CONFLICT,
        /** The request itself is wrong (a bad cron expression, say). */
        INVALID,
        /** Octoflow cannot take it now (at a bound, stopping, or the run could not start): retry later. */
        UNAVAILABLE
    }

    private final Reason reason;

    public OperationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public static OperationException notFound(String message) {
        return new OperationException(Reason.NOT_FOUND, message);
    }

    public static OperationException conflict(String message) {
        return new OperationException(Reason.CONFLICT, message);
    }

    public static OperationException unavailable(String message) {
        return new OperationException(Reason.UNAVAILABLE, message);
    }

    public static OperationException invalid(String message) {
        return new OperationException(Reason.INVALID, message);
    }

    public Reason reason() {
        return reason;
    }
}
