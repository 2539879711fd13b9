package io.octoflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import io.octoflow.flow.FlowCatalog;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * The manifests {@code mvn k8s:resource} generates from k8s/jkube/ (bound to process-resources, so they are on the
 * test classpath): what {@code k8s:apply} would send to a cluster (HelmChartTest: the Helm chart renders the same).
 */
class GeneratedManifestsTest {

    private static final String MANIFEST = "META-INF/jkube/kubernetes.yml";

    private static List<HasMetadata> items;
    private static Path manifestDir;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = GeneratedManifestsTest.class.getClassLoader().getResource(MANIFEST);
        if (url == null) {
            fail(MANIFEST + " is not on the classpath: the kubernetes-maven-plugin 'resource' goal did not run"
                    + " (it is bound to process-resources)");
        }
        manifestDir = Path.of(url.toURI()).getParent();
        try (InputStream in = url.openStream()) {
            KubernetesList list = new KubernetesSerialization().unmarshal(in, KubernetesList.class);
            items = list.getItems();
        }
    }

    @Test
    void theKindsAreExactlyTheseAndNothingIsClusterWide() {
        assertThat(items).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("ServiceAccount", "Service",
                "Role", "RoleBinding", "PersistentVolumeClaim", "ConfigMap", "Deployment");
        // no Secret either: the API token is created by hand and never lands in the manifests
        assertThat(items).allSatisfy(item -> assertThat(item.getMetadata().getNamespace()).isNull());
    }

    @Test
    void eachResourceAlsoHasItsOwnFile() {
        assertThat(manifestDir.resolve("kubernetes")).isDirectoryContaining("glob:**/octoflow-deployment.yml")
                .isDirectoryContaining("glob:**/octoflow-service.yml")
                .isDirectoryContaining("glob:**/octoflow-serviceaccount.yml")
                .isDirectoryContaining("glob:**/octoflow-role.yml")
                .isDirectoryContaining("glob:**/octoflow-rolebinding.yml")
                .isDirectoryContaining("glob:**/octoflow-data-persistentvolumeclaim.yml")
                .isDirectoryContaining("glob:**/octoflow-flows-configmap.yml");
    }

    @Test
    void deploymentProbesTheHealthEndpointsOnTheApiPort() {
        Container c = container();
        assertHttpProbe(c.getLivenessProbe(), "/health/live");
        assertHttpProbe(c.getReadinessProbe(), "/health/ready");
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(5000);
            assertThat(p.getName()).isEqualTo("http");
        });
        // the name is -Doctoflow.image when given, so only its presence is checked
        assertThat(c.getImage()).isNotBlank();
        // two pods would share the H2 file and the locks of a ReadWriteOnce volume during a rolling update
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
    }

    @Test
    void deploymentEnvironment() {
        Map<String, EnvVar> env = env();
        EnvVar token = env.get("API_TOKEN");
        assertThat(token).as("API_TOKEN").isNotNull();
        assertThat(token.getValue()).as("API_TOKEN must not be a literal").isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("octoflow-api");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
        assertThat(env.get("IN_CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("KUBERNETES_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(env.get("KUBERNETES_WATCH").getValue()).isIn("true", "false");
        // no secret travels as a literal value
        assertThat(env).doesNotContainKeys("METRICS_TOKEN", "HASHICORP_VAULT_TOKEN");
        // the database's credentials come from the optional Secret octoflow-db (PostgreSQL, several replicas)
        for (String name : List.of("DB_USER", "DB_PASSWORD")) {
            assertThat(env.get(name).getValue()).as(name + " must not be a literal").isNull();
            assertThat(env.get(name).getValueFrom().getSecretKeyRef().getName()).isEqualTo("octoflow-db");
            assertThat(env.get(name).getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        }
        // one replica on the embedded H2 unless built with -Dcluster=true -DdbUrl=... -Dreplicas=N
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("false");
        assertThat(env.get("DB_URL").getValue()).isEmpty();
    }

    @Test
    void flowsComeFromTheConfigMapAndDataFromThePersistentVolumeClaim() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Map<String, EnvVar> env = env();
        Map<String, Volume> volumes = pod.getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, v -> v));
        Map<String, VolumeMount> mounts = container().getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));

        VolumeMount flows = mounts.get(env.get("FLOWS_PATH").getValue());
        assertThat(flows).as("a volume mounted at FLOWS_PATH").isNotNull();
        assertThat(flows.getReadOnly()).isTrue();
        assertThat(volumes.get(flows.getName()).getConfigMap().getName()).isEqualTo("octoflow-flows");
        assertThat(resource(ConfigMap.class, "octoflow-flows").getData()).isNotEmpty();

        VolumeMount data = mounts.get(env.get("DATA_PATH").getValue());
        assertThat(data).as("a volume mounted at DATA_PATH").isNotNull();
        assertThat(data.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(volumes.get(data.getName()).getPersistentVolumeClaim().getClaimName()).isEqualTo("octoflow-data");
        PersistentVolumeClaim pvc = resource(PersistentVolumeClaim.class, "octoflow-data");
        assertThat(pvc.getSpec().getResources().getRequests()).containsKey("storage");

        // a read-only root file system needs a writable /tmp
        assertThat(container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(volumes.get(mounts.get("/tmp").getName()).getEmptyDir()).isNotNull();
    }

    @Test
    void theExampleFlowsOfTheConfigMapAreValid(@TempDir Path dir) throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Map<String, String> files = resource(ConfigMap.class, "octoflow-flows").getData();
        FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new Templates(templates), flows, templates,
                data);
        for (Map.Entry<String, String> file : files.entrySet()) {
            assertThat(file.getKey()).endsWith(".yml");
            Path path = Files.writeString(flows.resolve(file.getKey()), file.getValue());
            assertThat(catalog.validate(path)).as(file.getKey()).isEmpty();
        }
    }

    @Test
    void deploymentRunsAsItsServiceAccountNotRootWithinLimits() {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("octoflow");
        // longer than the 30 s Octoflow gives running flows on SIGTERM before aborting them and deleting their Jobs
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(40L);
        assertThat(resource(io.fabric8.kubernetes.api.model.ServiceAccount.class, "octoflow")).isNotNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        Container c = container();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    }

    @Test
    void roleGrantsExactlyWhatOctoflowUses() {
        Role role = resource(Role.class, "octoflow");
        Map<String, Set<String>> granted = new TreeMap<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).as("resourceNames").isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    String key = (group.isEmpty() ? "core" : group) + "/" + resource;
                    assertThat(granted).as("granted twice: " + key).doesNotContainKey(key);
                    granted.put(key, new TreeSet<>(rule.getVerbs()));
                }
            }
        }
        Set<String> read = Set.of("get", "list", "watch");
        Set<String> status = Set.of("get", "update", "patch");
        assertThat(granted).isEqualTo(Map.ofEntries(
                Map.entry("batch/jobs", Set.of("create", "get", "list", "watch", "delete")),
                Map.entry("core/pods", read),
                Map.entry("core/pods/log", read),
                Map.entry("core/secrets", Set.of("get")),
                Map.entry("core/configmaps", Set.of("get")),
                Map.entry("octoflow.io/flows", read),
                Map.entry("octoflow.io/flows/status", status),
                Map.entry("clever-telemetry.io/loops", read),
                Map.entry("clever-telemetry.io/loops/status", status)));
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResources()).noneMatch(r -> r.contains("*"));
            assertThat(rule.getVerbs()).doesNotContain("*");
        });
    }

    @Test
    void roleBindingGivesTheRoleToTheServiceAccountOnly() {
        RoleBinding binding = resource(RoleBinding.class, "octoflow");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("octoflow");
        assertThat(binding.getSubjects()).singleElement().satisfies((Subject s) -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("octoflow");
        });
    }

    @Test
    void serviceExposesTheApiPortAndIsScrapedByPrometheus() {
        Service service = resource(Service.class, "octoflow");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies((ServicePort p) -> {
            assertThat(p.getPort()).isEqualTo(5000);
            assertThat(p.getTargetPort().getIntVal()).isEqualTo(5000);
        });
        assertThat(service.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "5000").containsEntry("prometheus.io/path", "/metrics");
        // the Service reaches the Deployment's pods
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
    }

    // ------------------------------------------------------------------ helpers

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(5000);
    }

    private static Deployment deployment() {
        return resource(Deployment.class, "octoflow");
    }

    private static Container container() {
        List<Container> containers = deployment().getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, EnvVar> env() {
        return container().getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static <T extends HasMetadata> T resource(Class<T> type, String name) {
        List<T> found = items.stream().filter(type::isInstance).map(type::cast)
                .filter(item -> name.equals(item.getMetadata().getName())).toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.get(0);
    }
}
