package io.octoflow.datasource;

/** A datasource that cannot be used: unknown, without its secret, or unreachable. Never carries a password. */
public final class DatasourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatasourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
