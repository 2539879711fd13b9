package io.octoflow.kubernetes.client;

import org.apache.camel.CamelContext;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Puts Octoflow's one fabric8 client in Camel's registry, as a supplier: nothing is built until something asks for
 * it, so a service without a cluster starts as before. Who asks: the {@code kubernetes-job} endpoint of a
 * {@code k8s_job} step (by name), and camel-kubernetes' {@code {{secret:name/key}}} and
 * {@code {{configmap:name/key}}} property functions (by type: without this bean they would build a client of
 * their own, which ignores KUBECONFIG and IN_CLUSTER as Octoflow reads them).
 */
public final class CamelKubernetesClient {

    public static final String BEAN = "octoflowKubernetesClient";

    private CamelKubernetesClient() {
    }

    public static void bind(CamelContext camel, KubernetesAccess access) {
        camel.getRegistry().bind(BEAN, KubernetesClient.class, access::client);
    }
}
