package io.octoflow.kubernetes.client;

/**
 * Octoflow cannot talk to its Kubernetes cluster at all: no cluster is configured, or its API server cannot be
 * reached (unknown host, connection refused, no answer, TLS). The message names the cause and where the address came
 * from; no stack trace is kept (the cause is the message, and it is logged in one line).
 */
public final class KubernetesUnreachableException extends RuntimeException {

    public KubernetesUnreachableException(String message) {
        super(message, null, false, false);
    }
}
