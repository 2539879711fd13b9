package io.octoflow.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.KubernetesMock;
import io.octoflow.support.ServiceFixture;

/** A cluster without our CRDs: the service starts and runs its files, and says which CRD is missing. */
class KubernetesWatchWithoutCrdsTest {

    @TempDir
    Path root;

    @Test
    void theServiceRunsAndTheWarningNamesTheMissingCrds() throws Exception {
        try (KubernetesMock kubernetes = new KubernetesMock(false);
                LogCapture flows = new LogCapture(FlowResourceWatcher.class.getName());
                LogCapture loops = new LogCapture(LoopRunner.class.getName());
                ServiceFixture service = new ServiceFixture(root)) {
            // the mock server in expectations mode answers 404 to the lists of flows and loops, as a cluster
            // without the CRDs does
            service.set("KUBECONFIG", kubernetes.kubeconfig(root).toString()).set("KUBERNETES_WATCH", "true");
            service.files().flow("plain.yml", "name: plain\nsteps:\n  - name: a\n    type: debug\n");
            service.start();
            assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"plain.yml\"}").status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> flows.text().contains("flows.octoflow.io")
                    && loops.text().contains("loops.clever-telemetry.io"));
            assertThat(flows.text()).contains("k8s/crds/flows.octoflow.io.yaml");
        }
    }
}
