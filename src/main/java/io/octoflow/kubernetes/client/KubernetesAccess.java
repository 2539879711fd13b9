package io.octoflow.kubernetes.client;

import java.nio.file.Files;
import java.nio.file.Path;

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

    private final OctoflowConfig config;
    private volatile KubernetesClient client;
    private volatile boolean closed;

    public KubernetesAccess(OctoflowConfig config) {
        this.config = config;
    }

    /** A client already built (tests hand in one for fabric8's mock API server). */
    public static KubernetesAccess of(KubernetesClient client, OctoflowConfig config) {
        KubernetesAccess access = new KubernetesAccess(config);
        access.client = client;
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
                    client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
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

    private Config clientConfig() {
        if (config.inCluster()) {
            // the service account's token and CA, and KUBERNETES_SERVICE_HOST; no kubeconfig is read
            System.setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
            return Config.autoConfigure(null);
        }
        Path kubeconfig = config.kubeconfig();
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new IllegalStateException("KUBECONFIG: cannot read " + kubeconfig);
            }
            Config fromFile = Config.fromKubeconfig(null, kubeconfig.toFile());
            // fabric8's own settings (kubernetes.request.timeout, kubernetes.request.retry.backoffLimit... as
            // system properties or environment variables) apply on top, as they do without KUBECONFIG
            Config.configFromSysPropsOrEnvVars(fromFile);
            return fromFile;
        }
        return Config.autoConfigure(null);
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
