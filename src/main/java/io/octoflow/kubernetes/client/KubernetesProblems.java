package io.octoflow.kubernetes.client;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Optional;

import javax.net.ssl.SSLException;

/**
 * Reads why a fabric8 call failed when the API server was not reached: fabric8 says only "An error has occurred."
 * and keeps the reason (unknown host, connection refused...) in its causes.
 */
public final class KubernetesProblems {

    private KubernetesProblems() {
    }

    /**
     * Why {@code failure} did not reach the API server at {@code url}, in a few words ("unknown host x", "connection
     * refused by https://..."); empty when it did reach it (a 403, a 404, a 409 are answers, not this).
     */
    public static Optional<String> unreachable(Throwable failure, String url) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return Optional.of("unknown host " + hostOf(t.getMessage(), url));
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
                String reason = message.isBlank() || message.contains("refused") ? "connection refused"
                        : message.replaceFirst(":\\s*/?[0-9a-f.:\\[\\]]+$", ""); // netty appends the address
                return Optional.of(reason + " by " + url);
            }
            if (t instanceof HttpConnectTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof InterruptedIOException && !(t instanceof java.nio.channels.ClosedByInterruptException)) {
                return Optional.of("no answer from " + url + " (" + t.getClass().getSimpleName() + ")");
            }
            if (t instanceof SSLException) {
                return Optional.of("TLS with " + url + " failed: " + t.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The host an UnknownHostException names (its message may add ": Name or service not known"). */
    private static String hostOf(String message, String url) {
        if (message != null && !message.isBlank()) {
            return message.contains(":") ? message.substring(0, message.indexOf(':')).trim() + " ("
                    + message.substring(message.indexOf(':') + 1).trim() + ")" : message.trim();
        }
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
