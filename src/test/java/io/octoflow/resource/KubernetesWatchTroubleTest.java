package io.octoflow.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.CapturedLogs;
import io.octoflow.support.KubernetesMock;
import io.octoflow.support.ServiceFixture;

/**
 * Issue 19: KUBERNETES_WATCH=true with a cluster that cannot be watched names the cause once, in one WARN line per
 * resource kind without a stack trace, then retries quietly: an unreachable API server (a closed port) is said to be
 * unreachable, not blamed on a CRD; a cluster without the CRDs (fabric8's mock server answering 404) names the CRD.
 * The informers' retries are counted from their quiet DEBUG lines.
 */
class KubernetesWatchTroubleTest {

    @TempDir
    Path root;

    @Test
    void anUnreachableApiServerIsNamedOnceThenRetriedQuietly() throws Exception {
        int closed = closedPort();
        List<CapturedLogs.Line> warnings = watchWith(kubeconfig("https://127.0.0.1:" + closed));
        assertThat(warnings).allMatch(l -> l.message().contains("the Kubernetes API server cannot be reached")
                && l.message().contains("connection refused by https://127.0.0.1:" + closed))
                .noneMatch(l -> l.message().contains("CRD"));
    }

    @Test
    void aMissingCrdIsNamedOnceThenRetriedQuietly() throws Exception {
        try (KubernetesMock kubernetes = new KubernetesMock(false)) { // expectations mode: 404 to every list
            List<CapturedLogs.Line> warnings = watchWith(kubernetes.kubeconfig(root));
            assertThat(warnings).anyMatch(l -> l.message().contains("the CRD flows.octoflow.io is not installed")
                    && l.message().contains("k8s/crds/flows.octoflow.io.yaml"))
                    .anyMatch(l -> l.message().contains("the CRD loops.clever-telemetry.io is not installed"));
        }
    }

    @Test
    void noClusterConfiguredIsOneWarningAndNothingIsWatched() throws Exception {
        // fabric8 reads the system property kubeconfig before KUBECONFIG and ~/.kube/config: a developer's own
        // ~/.kube/config stays out of the way
        String before = System.getProperty("kubeconfig");
        Path nowhere = root.resolve("nowhere/config");
        System.setProperty("kubeconfig", nowhere.toString());
        try (CapturedLogs logs = CapturedLogs.of("io.octoflow.resource", "io.fabric8");
                ServiceFixture service = new ServiceFixture(root.resolve("install"))) {
            service.set("KUBECONFIG", "").set("KUBERNETES_WATCH", "true");
            service.start();
            assertThat(service.get("/health/ready").status()).isEqualTo(200);
            List<CapturedLogs.Line> warnings = logs.atLeast(Level.WARN);
            assertThat(warnings).as(logs.lines().toString()).singleElement().satisfies(line -> {
                assertThat(line.logger()).isEqualTo(KubernetesWatch.class.getName());
                assertThat(line.message()).startsWith("KUBERNETES_WATCH=true, but no Kubernetes cluster is configured")
                        .contains(nowhere.toString()).endsWith("Flow and Loop resources are not watched");
                assertThat(line.thrown()).isNull();
            });
            // no informer started, so none retries
            assertThat(retries(logs, FlowResourceWatcher.class) + retries(logs, LoopRunner.class)).isZero();
        } finally {
            if (before == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", before);
            }
        }
    }

    /** The WARN lines of the watchers once each informer failed 3 times; exactly one per watcher, no stack trace. */
    private List<CapturedLogs.Line> watchWith(Path kubeconfig) throws Exception {
        try (CapturedLogs logs = CapturedLogs.of("io.octoflow.resource", "io.fabric8");
                ServiceFixture service = new ServiceFixture(root.resolve("install"))) {
            service.set("KUBECONFIG", kubeconfig.toString()).set("KUBERNETES_WATCH", "true");
            service.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> retries(logs, FlowResourceWatcher.class) >= 2
                    && retries(logs, LoopRunner.class) >= 2);
            List<CapturedLogs.Line> warnings = logs.atLeast(Level.WARN);
            assertThat(warnings).as(logs.lines().toString()).allMatch(l -> l.thrown() == null);
            assertThat(warnings.stream().filter(l -> l.logger().equals(FlowResourceWatcher.class.getName())))
                    .as(warnings.toString()).hasSize(1);
            assertThat(warnings.stream().filter(l -> l.logger().equals(LoopRunner.class.getName())))
                    .as(warnings.toString()).hasSize(1);
            return warnings;
        }
    }

    private static long retries(CapturedLogs logs, Class<?> watcher) {
        return logs.lines().stream().filter(l -> l.logger().equals(watcher.getName())
                && l.level() == Level.DEBUG && l.message().startsWith("cannot watch")).count();
    }

    private Path kubeconfig(String server) throws IOException {
        Path file = root.resolve("kube/config");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, """
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
                    context: {cluster: gone, user: tester, namespace: test}
                current-context: gone
                """.formatted(server));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
