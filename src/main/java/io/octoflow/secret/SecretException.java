package io.octoflow.secret;

/** A secret that is missing, malformed or could not be fetched. Never carries the secret's value. */
public class SecretException extends RuntimeException {
    public SecretException(String message) {
        super(message);
    }
}
