package io.octoflow.kubernetes.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import io.octoflow.config.OctoflowConfig;

/**
 * The one fabric8 client Octoflow talks to its cluster with, created on first use: a service without Kubernetes
 * work never needs a cluster. In the cluster (IN_CLUSTER=true) it uses the pod's service account; outside, the
 * file KUBECONFIG names, else fabric8's usual lookup (~/.kube/config).
 */
public final class KubernetesAccess implements AutoCloseable {

    /**
     * fabric8 retries a failed request 10 times with a backoff growing to 3.2 s: ~20 s before an unreachable API
     * server is reported. Octoflow retries twice (0.1 s, 0.2 s) unless fabric8's own setting says otherwise; a Job
     * already created is followed by a poll that rides out an API server restart (JobWatch).
     */
    static final int REQUEST_RETRIES = 2;

    private final OctoflowConfig config;
    /** Where the cluster's address comes from, for messages: "KUBECONFIG /x", "the pod's service account"... */
    private volatile String source = "not configured yet";
    private volatile KubernetesClient client;
    private volatile boolean closed;
    /** Why no cluster is configured (no kubeconfig, not in a pod); null when one is. */
    private volatile String unconfigured;

    public KubernetesAccess(OctoflowConfig config) {
        this.config = config;
    }

    /** A client already built (tests hand in one for fabric8's mock API server). */
    public static KubernetesAccess of(KubernetesClient client, OctoflowConfig config) {
        KubernetesAccess access = new KubernetesAccess(config);
        access.client = client;
        access.source = "a client handed in";
        return access;
    }

    public KubernetesClient client() {
        KubernetesClient current = client;
        if (current == null) {
            synchronized (this) {
                if (closed) {
                    // a late caller (a Job delete, a loop run) after the stop must not build a client left open
                    throw new IllegalStateException("Octoflow is stopping: no more Kubernetes calls");
                }
                if (client == null) {
                    Config clientConfig = clientConfig();
                    if (!userSet(Config.KUBERNETES_REQUEST_RETRY_BACKOFFLIMIT_SYSTEM_PROPERTY)) {
                        clientConfig.setRequestRetryBackoffLimit(REQUEST_RETRIES);
                    }
                    client = new KubernetesClientBuilder().withConfig(clientConfig).build();
                }
                current = client;
            }
        }
        return current;
    }

    /** The namespace of Jobs, secrets and watched resources: KUBERNETES_NAMESPACE, else the client's. */
    public String namespace() {
        if (config.kubernetesNamespace() != null) {
            return config.kubernetesNamespace();
        }
        String namespace = client().getNamespace();
        return namespace != null ? namespace : "default";
    }

    /**
     * Fails at once, naming the cause, when no cluster is configured at all (no KUBECONFIG, no ~/.kube/config, not
     * IN_CLUSTER); call before a request, which would otherwise go to https://kubernetes.default.svc.
     */
    public KubernetesClient requireConfigured() {
        KubernetesClient current = client();
        if (unconfigured != null) {
            throw new KubernetesUnreachableException(unconfigured);
        }
        return current;
    }

    /** The API server's address, and where it comes from, for messages. */
    public String describe() {
        KubernetesClient current = client;
        return (current != null ? current.getMasterUrl() + " " : "") + "(" + source + ")";
    }

    /**
     * {@code failure} of a call to the cluster, as a {@link KubernetesUnreachableException} naming the cause when
     * the API server was not reached; else {@code failure} itself.
     */
    public RuntimeException explain(RuntimeException failure) {
        if (failure instanceof KubernetesUnreachableException) {
            return failure;
        }
        if (unconfigured != null) {
            return new KubernetesUnreachableException(unconfigured);
        }
        KubernetesClient current = client;
        String url = current != null ? String.valueOf(current.getMasterUrl()) : "the API server";
        return KubernetesProblems.unreachable(failure, url)
                .<RuntimeException>map(cause -> new KubernetesUnreachableException(
                        "cannot reach the Kubernetes API server: " + cause + " (address from " + source + ")"))
                .orElse(failure);
    }

    private Config clientConfig() {
        if (config.inCluster()) {
            // the service account's token and CA, and KUBERNETES_SERVICE_HOST; no kubeconfig is read
            System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
            source = "IN_CLUSTER=true: the pod's service account and KUBERNETES_SERVICE_HOST";
            return Config.autoConfigure(null);
        }
        Path kubeconfig = config.kubeconfig();
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new KubernetesUnreachableException("KUBECONFIG: cannot read " + kubeconfig);
            }
            source = "KUBECONFIG " + kubeconfig;
            Config fromFile = Config.fromKubeconfig(null, kubeconfig.toFile());
            // fabric8's own settings (kubernetes.request.timeout, kubernetes.request.retry.backoffLimit... as
            // system properties or environment variables) apply on top, as they do without KUBECONFIG
            Config.configFromSysPropsOrEnvVars(fromFile);
            return fromFile;
        }
        List<String> candidates = List.copyOf(Config.getKubeconfigFilenames());
        boolean kubeconfigFound = candidates.stream().anyMatch(f -> Files.isRegularFile(Path.of(f)));
        if (!kubeconfigFound && !userSet(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY)
                && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
            // fabric8 goes on to https://kubernetes.default.svc and fails later with "An error has occurred.": the
            // client is built all the same (camel-kubernetes' endpoints take it when a flow deploys), and every call
            // Octoflow makes first asks requireConfigured()
            unconfigured = "no Kubernetes cluster is configured: no kubeconfig found ("
                    + (candidates.isEmpty() ? "KUBECONFIG is not set" : "looked for " + String.join(", ", candidates))
                    + ") and IN_CLUSTER is false; set KUBECONFIG to a kubeconfig file, or IN_CLUSTER=true in a pod";
            source = "no kubeconfig";
            return Config.autoConfigure(null);
        }
        source = kubeconfigFound ? "kubeconfig " + String.join(", ", candidates) : "fabric8's defaults";
        return Config.autoConfigure(null);
    }

    /** Whether fabric8's setting {@code property} is given, as a system property or its environment variable. */
    private static boolean userSet(String property) {
        String env = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
        return System.getProperty(property) != null || System.getenv(env) != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
