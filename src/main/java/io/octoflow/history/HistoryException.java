package io.octoflow.history;

/** The execution history database failed (connection, SQL or migration); the cause says how. */
public class HistoryException extends RuntimeException {

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
