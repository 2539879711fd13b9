package io.octoflow.support;

import java.nio.file.Path;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * fabric8's Kubernetes mock API server in CRUD mode: a real HTTP server on a free port that stores what clients
 * create and answers gets, lists, patches, deletes and watches like an API server (no controllers run: a test
 * moves a Job's status itself). {@link #kubeconfig} writes a kubeconfig pointing at it, for a service started
 * with KUBECONFIG, the way a user outside the cluster runs Octoflow.
 */
public final class KubernetesMock implements AutoCloseable {

    public static final String NAMESPACE = "test";

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();

    public KubernetesMock() {
        this(true);
    }

    /**
     * {@code crud} false: fabric8's expectations mode, answering 404 to whatever the test did not declare (a
     * cluster without a CRD, say).
     */
    public KubernetesMock(boolean crud) {
        // mixed: expectations (server().expect()...) answer first, e.g. pod logs the CRUD store cannot serve
        server = crud ? new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                new KubernetesMixedDispatcher(expectations), true) : new KubernetesMockServer(true);
        server.init();
        client = server.createClient().inNamespace(NAMESPACE);
    }

    /** A client of the mock server, in namespace {@value #NAMESPACE}. */
    public NamespacedKubernetesClient client() {
        return client;
    }

    /** Answers declared with {@code server().expect()...times(n)} not given yet (an always-answer counts one). */
    public int pendingAnswers() {
        synchronized (expectations) {
            return expectations.values().stream().mapToInt(Queue::size).sum();
        }
    }

    /** The server itself, e.g. to declare custom resources ({@code expectCustomResource}). */
    public KubernetesMockServer server() {
        return server;
    }

    public String url() {
        return client.getMasterUrl().toString();
    }

    /** Writes a kubeconfig for the mock server into {@code dir} and returns its path. */
    public Path kubeconfig(Path dir) {
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster:
                      server: %s
                      insecure-skip-tls-verify: true
                users:
                  - name: tester
                    user:
                      token: mock-token
                contexts:
                  - name: mock
                    context: {cluster: mock, user: tester, namespace: %s}
                current-context: mock
                """.formatted(url(), NAMESPACE);
        return FlowFixture.write(dir, "kubeconfig", text);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
