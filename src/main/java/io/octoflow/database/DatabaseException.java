package io.octoflow.database;

/** The database failed (connection, SQL or migration); the cause says how. */
public class DatabaseException extends RuntimeException {

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
