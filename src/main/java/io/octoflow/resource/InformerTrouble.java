package io.octoflow.resource;

import java.time.Duration;
import java.util.Optional;

import org.apache.logging.log4j.Logger;

import io.fabric8.kubernetes.client.KubernetesClientException;

import io.octoflow.kubernetes.client.KubernetesProblems;

/**
 * What an informer of Octoflow's custom resources says when it cannot list or watch them. fabric8 retries with a
 * growing backoff; each failure reaches the informer's exception handler, and a line per retry (with a stack
 * trace, blaming the CRD whatever the cause) drowned the real cause. So: the cause is named once, in one WARN line
 * (the API server unreachable: unknown host, connection refused; the CRD not installed: 404; the service account
 * not allowed: 403); the retries are quiet (DEBUG), with a reminder at most every {@link #REMINDER}; a new cause is
 * named again, and so is the recovery.
 */
final class InformerTrouble {

    /** How often a cause that lasts is mentioned again. */
    static final Duration REMINDER = Duration.ofMinutes(15);

    private final Logger log;
    /** "Flow resources (flows.octoflow.io) in namespace 'x'". */
    private final String what;
    private final String crd;
    private final String crdFile;
    private final String url;
    private String cause;
    private int failures;
    private long namedAt;

    /**
     * @param crd     the CRD's name, e.g. {@code flows.octoflow.io}; its file is {@code k8s/crds/<crd>.yaml}
     * @param url     the API server's address, for messages
     */
    InformerTrouble(Logger log, String kind, String crd, String namespace, String url) {
        this.log = log;
        this.what = kind + " resources (" + crd + ") in namespace '" + namespace + "'";
        this.crd = crd;
        this.crdFile = "k8s/crds/" + crd + ".yaml";
        this.url = url;
    }

    /** For the informer's exception handler: logs as said above; true (fabric8 retries). */
    synchronized boolean failed(Throwable failure) {
        failures++;
        String now = cause(failure);
        long nanos = System.nanoTime();
        if (!now.equals(cause)) {
            cause = now;
            namedAt = nanos;
            log.warn("cannot watch {}: {}; retrying quietly with a growing delay", what, now);
        } else if (nanos - namedAt >= REMINDER.toNanos()) {
            namedAt = nanos;
            log.info("still cannot watch {} ({} attempts): {}", what, failures, now);
        } else {
            log.debug("cannot watch {} (attempt {}): {}", what, failures, failure.toString());
        }
        return true;
    }

    /** The informer lists and watches (again): said once when a failure was named before. */
    synchronized void running() {
        if (cause != null) {
            log.info("watching {} again, after {} failed attempt(s)", what, failures);
        }
        cause = null;
        failures = 0;
    }

    private String cause(Throwable failure) {
        Optional<String> unreachable = KubernetesProblems.unreachable(failure, url);
        if (unreachable.isPresent()) {
            return "the Kubernetes API server cannot be reached: " + unreachable.get();
        }
        int code = code(failure);
        if (code == 404) {
            return "the CRD " + crd + " is not installed (the API server answers 404); install it with kubectl"
                    + " apply -f " + crdFile;
        }
        if (code == 401 || code == 403) {
            return "the API server refuses it (" + code + "): the service account needs get, list and watch on "
                    + crd;
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private static int code(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode();
            }
        }
        return 0;
    }
}
