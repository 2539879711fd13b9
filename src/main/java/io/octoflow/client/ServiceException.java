package io.octoflow.client;

/**
 * The service could not be asked, or refused: the message is one line for the operator (the URL, the setting to
 * change, the API's own error), never the token.
 */
public final class ServiceException extends RuntimeException {

    /** What went wrong, each with the command's exit code. */
    public enum Kind {
        /** No connection, or no HTTP answer: the URL or the service is wrong. */
        UNREACHABLE(3),
        /** 401: no token, or the wrong one. */
        UNAUTHORIZED(4),
        /** Any other 4xx or 5xx answer: the API's own {@code error}. */
        REFUSED(2);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;
    private final int status;

    ServiceException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status; 0 when there was no answer. */
    public int status() {
        return status;
    }
}
