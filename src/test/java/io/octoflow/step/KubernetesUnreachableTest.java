package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.CapturedLogs;
import io.octoflow.support.FlowFixture;

/**
 * Issue 19: a k8s_job step without a reachable cluster fails with the cause (no kubeconfig, unknown host, connection
 * refused), not fabric8's "An error has occurred.", in one WARN line without a stack trace, and without fabric8's
 * ten retries (~20 s): the runs below are bounded by a generous limit, not timed.
 */
class KubernetesUnreachableTest {

    private static final String FLOW = """
            name: retriever
            steps:
              - name: run it
                type: k8s_job
                k8s_job:
                  image: busybox:1.36
                  namespace: jobs
            """;

    @TempDir
    Path dir;

    @Test
    void aClosedPortIsNamed() throws Exception {
        int closed = closedPort();
        String url = "https://127.0.0.1:" + closed;
        RunResult result = runWith(kubeconfig(url));
        assertThat(result.error()).contains("cannot reach the Kubernetes API server").contains("refused")
                .contains("127.0.0.1:" + closed).contains("KUBECONFIG").doesNotContain("An error has occurred");
    }

    @Test
    void anUnknownHostIsNamed() throws Exception {
        RunResult result = runWith(kubeconfig("https://no-such-api-server.invalid:6443"));
        assertThat(result.error()).contains("unknown host no-such-api-server.invalid")
                .doesNotContain("An error has occurred");
    }

    @Test
    void noKubeconfigAtAllIsNamed() throws Exception {
        // fabric8 reads the system property kubeconfig before KUBECONFIG and ~/.kube/config: the test JVM's own
        // environment (a developer's ~/.kube/config) stays out of the way
        String before = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", dir.resolve("nowhere/config").toString());
        try {
            RunResult result = runWith("");
            assertThat(result.error()).contains("no Kubernetes cluster is configured: no kubeconfig found")
                    .contains(dir.resolve("nowhere/config").toString()).contains("IN_CLUSTER");
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
        }
    }

    private RunResult runWith(String kubeconfig) throws Exception {
        try (CapturedLogs logs = CapturedLogs.of("io.octoflow", "org.apache.camel", "io.fabric8");
                FlowFixture fx = new FlowFixture(dir.resolve("install")).set("KUBECONFIG", kubeconfig)) {
            fx.flow("retriever.yml", FLOW);
            var flow = fx.load("retriever.yml");
            // far below fabric8's ~20 s of retries: not a timing assertion, a bound on a hang
            RunResult result = CompletableFuture.supplyAsync(() -> fx.engine().run(flow, null, Map.of()))
                    .get(15, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(RunStatus.FAILED);
            List<CapturedLogs.Line> warnings = logs.atLeast(Level.WARN).stream()
                    .filter(l -> l.message().contains("Kubernetes")).toList();
            assertThat(warnings).as(logs.lines().toString()).hasSize(1);
            assertThat(warnings.get(0).message()).contains("step 'run it'");
            assertThat(logs.atLeast(Level.WARN)).as("no stack trace").allMatch(l -> l.thrown() == null);
            return result;
        }
    }

    private String kubeconfig(String server) throws IOException {
        Path file = dir.resolve("kube/config");
        java.nio.file.Files.createDirectories(file.getParent());
        return java.nio.file.Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: gone
                    cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                  - name: tester
                    user: {token: t}
                contexts:
                  - name: gone
                    context: {cluster: gone, user: tester, namespace: jobs}
                current-context: gone
                """.formatted(server)).toString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
