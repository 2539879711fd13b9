package io.octoflow.kubernetes.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.support.KubernetesMock;

class KubernetesAccessTest {

    @TempDir
    Path dir;

    @Test
    void kubeconfigNamesTheClusterAndItsNamespace() {
        try (KubernetesMock mock = new KubernetesMock()) {
            mock.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                    .endMetadata().addToData("region", "eu").build()).create();
            OctoflowConfig config = OctoflowConfig.from(Map.of("DATA_PATH", dir.toString(),
                    "KUBECONFIG", mock.kubeconfig(dir).toString()));
            try (KubernetesAccess access = new KubernetesAccess(config)) {
                assertThat(access.namespace()).isEqualTo(KubernetesMock.NAMESPACE);
                assertThat(access.client().configMaps().inNamespace(access.namespace()).withName("settings").get()
                        .getData()).containsEntry("region", "eu");
            }
            OctoflowConfig other = OctoflowConfig.from(Map.of("DATA_PATH", dir.toString(),
                    "KUBECONFIG", mock.kubeconfig(dir).toString(), "KUBERNETES_NAMESPACE", "jobs"));
            try (KubernetesAccess access = new KubernetesAccess(other)) {
                assertThat(access.namespace()).isEqualTo("jobs");
            }
        }
    }

    @Test
    void anUnreadableKubeconfigIsNamed() {
        OctoflowConfig config = OctoflowConfig.from(Map.of("DATA_PATH", dir.toString(),
                "KUBECONFIG", dir.resolve("missing").toString()));
        try (KubernetesAccess access = new KubernetesAccess(config)) {
            assertThatThrownBy(access::client).hasMessageContaining("KUBECONFIG")
                    .hasMessageContaining(dir.resolve("missing").toString());
        }
    }

    @Test
    void inClusterAndWatchAreBooleans() {
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("IN_CLUSTER", "yes")))
                .hasMessage("IN_CLUSTER: expected true or false, got 'yes'");
        assertThat(OctoflowConfig.from(Map.of("KUBERNETES_WATCH", "true")).kubernetesWatch()).isTrue();
    }
}
