package io.octoflow.secret;

import java.util.Map;

/**
 * Reads the keys of a secret held outside the secrets file ({@code type: kubernetes} entries: a Kubernetes Secret).
 * Errors name the secret, never a value.
 */
public interface SecretReader {

    /** The decoded keys of secret {@code name} in {@code namespace} (null: the reader's own namespace). */
    Map<String, String> read(String namespace, String name);
}
