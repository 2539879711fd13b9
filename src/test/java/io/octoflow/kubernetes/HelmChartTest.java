package io.octoflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Helm chart k8s/helm/octoflow as the build packs it (process-resources: target/helm/octoflow-VERSION.tgz),
 * rendered by Helm's own template engine (helm-java, no helm binary): its defaults give exactly the manifests of
 * {@code k8s:resource}, and each value of values.yaml (image and its pull Secrets, replicas, resources, API token
 * Secret, flows ConfigMap, PostgreSQL URL and credentials, persistence or an existing claim) reaches the rendered
 * objects. The examples of docs/DEPLOY.md are
 * the ones rendered here.
 */
class HelmChartTest {

    private static final String MANIFEST = "META-INF/jkube/kubernetes.yml";
    private static final String POSTGRES = "jdbc:postgresql://postgres:5432/octoflow";
    private static final Path DOCS = Path.of("docs/DEPLOY.md");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Path chartDir;
    private static Path chartPackage;
    private static List<HasMetadata> manifests;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = HelmChartTest.class.getClassLoader().getResource(MANIFEST);
        if (url == null) {
            fail(MANIFEST + " is not on the classpath: the kubernetes-maven-plugin 'resource' goal did not run"
                    + " (it is bound to process-resources, left out by -Doctoflow.noManifests)");
        }
        try (InputStream in = url.openStream()) {
            manifests = SERIALIZATION.unmarshal(in, KubernetesList.class).getItems();
        }
        manifests.forEach(HelmChartTest::withoutBuildAnnotations);
        Path target = Path.of(url.toURI()).getParent().getParent().getParent().getParent();
        chartDir = target.resolve("helm/octoflow");
        assertThat(chartDir.resolve("Chart.yaml")).as("the chart copied by the build (antrun 'helm-chart')").exists();
        String version = (String) yaml(Files.readString(chartDir.resolve("Chart.yaml"))).get("version");
        chartPackage = target.resolve("helm/octoflow-" + version + ".tgz");
        assertThat(chartPackage).as("the chart packed by the build").exists();
    }

    @Test
    void theChartCarriesTheProjectVersion() throws IOException {
        Map<String, Object> chart = yaml(Files.readString(chartDir.resolve("Chart.yaml")));
        // the manifests' version label is the project's version
        String projectVersion = manifests.get(0).getMetadata().getLabels().get("version");
        assertThat(chart).containsEntry("name", "octoflow").containsEntry("version", projectVersion)
                .containsEntry("appVersion", projectVersion);
        assertThat(chartPackage.getFileName()).hasToString("octoflow-" + projectVersion + ".tgz");
    }

    @Test
    void helmLintStrictPasses() {
        LintResult lint = new Helm(chartPackage).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void valuesYamlHoldsTheSettingsPeopleChangeWithTheManifestsDefaults() throws IOException {
        Map<String, Object> values = yaml(Files.readString(chartDir.resolve("values.yaml")));
        assertThat(values).containsOnlyKeys("image", "imagePullSecrets", "replicas", "updateStrategy", "cluster",
                "dbUrl", "db", "resources", "apiToken", "flows", "persistence");
        assertThat(values).containsEntry("image",
                Map.of("repository", "octoflow/octoflow", "tag", "", "pullPolicy", "IfNotPresent"))
                .containsEntry("imagePullSecrets", List.of())
                .containsEntry("replicas", 1).containsEntry("updateStrategy", "Recreate")
                .containsEntry("cluster", false).containsEntry("dbUrl", "")
                .containsEntry("db", Map.of("existingSecret", "octoflow-db", "userKey", "user",
                        "passwordKey", "password"))
                .containsEntry("resources", Map.of("requests", Map.of("cpu", "250m", "memory", "512Mi"),
                        "limits", Map.of("cpu", "2", "memory", "1Gi")))
                .containsEntry("apiToken", Map.of("existingSecret", "octoflow-api", "key", "token", "value", ""))
                .containsEntry("flows", Map.of("configMap", ""))
                .containsEntry("persistence", Map.of("enabled", true, "size", "1Gi", "storageClass", "",
                        "accessMode", "ReadWriteOnce", "existingClaim", ""));
    }

    @Test
    void theDefaultsRenderExactlyTheManifestsOfK8sResource() {
        List<HasMetadata> rendered = render(template());
        // resource by resource, as YAML: a drift between the chart and k8s/jkube/ shows as a readable diff
        assertThat(rendered).extracting(HelmChartTest::id)
                .containsExactlyInAnyOrderElementsOf(manifests.stream().map(HelmChartTest::id).toList());
        for (HasMetadata manifest : manifests) {
            HasMetadata chart = rendered.stream().filter(r -> id(r).equals(id(manifest))).findFirst().orElseThrow();
            assertThat(sortedYaml(chart)).as("the chart's " + id(manifest)
                    + " against k8s:resource's (keep k8s/helm/octoflow/templates/ in step with k8s/jkube/)")
                    .isEqualTo(sortedYaml(manifest));
        }
        assertThat(rendered).containsExactlyInAnyOrderElementsOf(manifests);
        // no Secret: by default the API token is created by hand and never lands in the chart's release
        assertThat(rendered).noneMatch(Secret.class::isInstance);
        // the flow's Jinja braces reach the pod as they are, not read by Helm as its own actions
        assertThat(resource(rendered, ConfigMap.class).getData().get("heartbeat.yml"))
                .contains("at: \"{{ __timestamp__ }}\"");
        assertThat(container(deployment(rendered)).getImage()).isEqualTo("octoflow/octoflow:"
                + manifests.get(0).getMetadata().getLabels().get("version"));
    }

    @Test
    void eachValueOfTheDocsExampleReachesTheRenderedObjects(@TempDir Path dir) throws IOException {
        List<HasMetadata> rendered = render(template().withValuesFile(docsValuesFile(dir)));

        Deployment deployment = deployment(rendered);
        Container container = container(deployment);
        assertThat(container.getImage()).isEqualTo("registry.example.com/team/octoflow:0.2.0");
        assertThat(container.getImagePullPolicy()).isEqualTo("Always");
        assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(LocalObjectReference::getName).containsExactly("registry-login");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        // the whole resources block, as written
        assertThat(container.getResources().getRequests())
                .isEqualTo(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")));
        assertThat(container.getResources().getLimits())
                .isEqualTo(Map.of("cpu", new Quantity("4"), "memory", new Quantity("2Gi")));

        Map<String, EnvVar> env = env(container);
        assertSecretRef(env.get("API_TOKEN"), "octoflow-token", "api-token");
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("DB_URL").getValue()).isEqualTo(POSTGRES);
        assertSecretRef(env.get("DB_USER"), "octoflow-postgres", "username");
        assertSecretRef(env.get("DB_PASSWORD"), "octoflow-postgres", "password");

        // the flows of an existing ConfigMap: the chart makes none
        assertThat(volume(deployment, "flows").getConfigMap().getName()).isEqualTo("my-flows");
        assertThat(rendered).noneMatch(ConfigMap.class::isInstance);

        PersistentVolumeClaim claim = resource(rendered, PersistentVolumeClaim.class);
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-rwx");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(volume(deployment, "data").getPersistentVolumeClaim().getClaimName())
                .isEqualTo(claim.getMetadata().getName());
        assertThat(rendered).noneMatch(Secret.class::isInstance);
    }

    @Test
    void theDocsSetCommandRendersLikeTheirValuesFile(@TempDir Path dir) throws IOException {
        // the `helm upgrade --install ... --set ...` of docs/DEPLOY.md, "Helm", value by value
        String docs = Files.readString(DOCS);
        int command = docs.indexOf("--set image.repository=");
        assertThat(command).as("the --set example of docs/DEPLOY.md, \"Helm\"").isPositive();
        String block = docs.substring(command, docs.indexOf("```", command));
        TemplateCommand template = template();
        // a value with [ ] is quoted for the shell: 'imagePullSecrets[0].name=registry-login'
        Matcher set = Pattern.compile("--set '?(\\S+?)=([^\\s']+)'?").matcher(block);
        int count = 0;
        while (set.find()) {
            template = template.set(set.group(1), set.group(2));
            count++;
        }
        assertThat(count).isGreaterThanOrEqualTo(16);

        assertThat(render(template)).containsExactlyInAnyOrderElementsOf(
                render(template().withValuesFile(docsValuesFile(dir))));
    }

    @Test
    void aTokenValueMakesTheChartsSecretNeverAPlainEnvironmentValue() {
        String token = "s3cr3t-t0ken-value";
        TemplateCommand template = template().set("apiToken.value", token);
        String yaml = template.withName("octoflow").call();
        List<HasMetadata> rendered = render(template);

        Secret secret = resource(rendered, Secret.class);
        assertThat(secret.getMetadata().getName()).isEqualTo("octoflow-api");
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8))
                .isEqualTo(token);
        Deployment deployment = deployment(rendered);
        assertSecretRef(env(container(deployment)).get("API_TOKEN"), "octoflow-api", "token");
        // the token is nowhere in clear: not in the Deployment, not in any env value
        assertThat(yaml).doesNotContain(token);
        assertThat(container(deployment).getEnv()).allSatisfy(e -> assertThat(e.getValue()).isNotEqualTo(token));
    }

    @Test
    void withoutANameForTheTokenSecretHelmSaysWhichValue() {
        assertThatThrownBy(() -> template().set("apiToken.existingSecret", "").withName("octoflow").call())
                .hasMessageContaining("apiToken.existingSecret");
    }

    @Test
    void severalReplicasOnTheEmbeddedH2AreRefusedWithTheValuesToSet() {
        assertThatThrownBy(() -> template().set("replicas", "2").withName("octoflow").call())
                .hasMessageContaining("replicas: 2 pods need cluster: true and a PostgreSQL in dbUrl");
        assertThatThrownBy(() -> template().set("replicas", "2").set("dbUrl", POSTGRES).withName("octoflow").call())
                .hasMessageContaining("cluster: true");
    }

    @Test
    void persistenceOffGivesAnEmptyDirAndNoClaim() {
        List<HasMetadata> rendered = render(template().set("persistence.enabled", "false"));
        assertThat(rendered).noneMatch(PersistentVolumeClaim.class::isInstance);
        Volume data = volume(deployment(rendered), "data");
        assertThat(data.getEmptyDir()).isNotNull();
        assertThat(data.getPersistentVolumeClaim()).isNull();
        assertThat(rendered).hasSize(manifests.size() - 1);
    }

    @Test
    void anExistingClaimIsMountedAndTheChartMakesNone() {
        List<HasMetadata> rendered = render(template().set("persistence.existingClaim", "octoflow-history"));
        assertThat(rendered).noneMatch(PersistentVolumeClaim.class::isInstance);
        assertThat(volume(deployment(rendered), "data").getPersistentVolumeClaim().getClaimName())
                .isEqualTo("octoflow-history");
        assertThat(rendered).hasSize(manifests.size() - 1);
        // without persistence, the claim is not read: an emptyDir as ever
        Volume off = volume(deployment(render(template().set("persistence.existingClaim", "octoflow-history")
                .set("persistence.enabled", "false"))), "data");
        assertThat(off.getEmptyDir()).isNotNull();
        assertThat(off.getPersistentVolumeClaim()).isNull();
    }

    @Test
    void imagePullSecretsReachThePodAndNoneByDefault() {
        Deployment deployment = deployment(render(template().set("imagePullSecrets[0].name", "registry-login")
                .set("imagePullSecrets[1].name", "mirror-login")));
        assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(LocalObjectReference::getName).containsExactly("registry-login", "mirror-login");
        assertThat(deployment(render(template())).getSpec().getTemplate().getSpec().getImagePullSecrets())
                .isNullOrEmpty();
    }

    @Test
    void setSwitchesToSeveralReplicasOnPostgresAndTheFormerDataAccessModeStillWorks() {
        // the chart's values before persistence.accessMode: a release upgraded with them renders the same
        List<HasMetadata> rendered = render(template()
                .set("replicas", "3").set("cluster", "true").set("dbUrl", POSTGRES)
                .set("updateStrategy", "RollingUpdate").set("dataAccessMode", "ReadWriteMany"));

        Deployment deployment = deployment(rendered);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        Map<String, EnvVar> env = env(container(deployment));
        // a --set true still reaches the container as the string CLUSTER expects
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("DB_URL").getValue()).isEqualTo(POSTGRES);
        // the credentials still come from the Secret, never from a value
        assertThat(env.get("DB_PASSWORD").getValue()).isNull();
        assertSecretRef(env.get("DB_PASSWORD"), "octoflow-db", "password");
        assertThat(resource(rendered, PersistentVolumeClaim.class).getSpec().getAccessModes())
                .containsExactly("ReadWriteMany");
        assertThat(rendered).hasSameSizeAs(manifests);
    }

    @Test
    void theClusterValuesFileOfTheDocsSwitchesToo(@TempDir Path dir) throws IOException {
        // the ```yaml block after "cluster-values.yaml" in docs/DEPLOY.md, "Several replicas"
        Path values = Files.writeString(dir.resolve("cluster-values.yaml"),
                yamlBlockAfter(Files.readString(DOCS), "-f cluster-values.yaml"));

        List<HasMetadata> rendered = render(template().withValuesFile(values));
        Deployment deployment = deployment(rendered);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        Map<String, EnvVar> env = env(container(deployment));
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("DB_URL").getValue()).isEqualTo(POSTGRES);
        assertThat(resource(rendered, PersistentVolumeClaim.class).getSpec().getAccessModes())
                .containsExactly("ReadWriteMany");
    }

    // ------------------------------------------------------------------ helpers

    /** The packed chart, as {@code helm install} reads it. */
    private static TemplateCommand template() {
        return new Helm(chartPackage).template();
    }

    /** The values file of docs/DEPLOY.md, "Helm", as a reader would save it. */
    private static Path docsValuesFile(Path dir) throws IOException {
        return Files.writeString(dir.resolve("octoflow-values.yaml"),
                yamlBlockAfter(Files.readString(DOCS), "-f octoflow-values.yaml"));
    }

    private static String yamlBlockAfter(String docs, String marker) {
        int example = docs.indexOf("```yaml", docs.indexOf(marker));
        assertThat(docs.indexOf(marker)).as("\"" + marker + "\" in docs/DEPLOY.md").isPositive();
        assertThat(example).as("a ```yaml block after \"" + marker + "\" in docs/DEPLOY.md").isPositive();
        return docs.substring(docs.indexOf('\n', example) + 1, docs.indexOf("```", example + 7));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    /** {@code helm template}'s output, one resource per YAML document. */
    private static List<HasMetadata> render(TemplateCommand template) {
        String yaml = template.withName("octoflow").call();
        List<HasMetadata> resources = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (document != null) {
                resources.add(SERIALIZATION.convertValue(document, HasMetadata.class));
            }
        }
        return resources;
    }

    /**
     * Leaves out the annotations JKube's git enricher adds in a clone (jkube.eclipse.org/git-commit, -url, -branch;
     * not in a worktree): they describe the build, not a setting, and a chart cannot know the commit it is built
     * from.
     */
    private static void withoutBuildAnnotations(HasMetadata resource) {
        List<ObjectMeta> metadata = new ArrayList<>(List.of(resource.getMetadata()));
        if (resource instanceof Deployment deployment) {
            metadata.add(deployment.getSpec().getTemplate().getMetadata());
        }
        for (ObjectMeta meta : metadata) {
            if (meta.getAnnotations() != null) {
                meta.getAnnotations().keySet().removeIf(key -> key.startsWith("jkube.eclipse.org/git-"));
            }
        }
    }

    /** A resource as YAML with its keys sorted: maps compare whatever order JKube or Helm wrote them in. */
    private static String sortedYaml(HasMetadata resource) {
        return new Dump(DumpSettings.builder().build())
                .dumpToString(sorted(SERIALIZATION.convertValue(resource, Map.class)));
    }

    private static Object sorted(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, value) -> sorted.put(String.valueOf(key), sorted(value)));
            return sorted;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(HelmChartTest::sorted).toList();
        }
        return node;
    }

    private static String id(HasMetadata resource) {
        return resource.getKind() + " " + resource.getMetadata().getName();
    }

    private static <T extends HasMetadata> T resource(List<HasMetadata> resources, Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " rendered"));
    }

    private static Deployment deployment(List<HasMetadata> resources) {
        return resource(resources, Deployment.class);
    }

    private static Container container(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Volume volume(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static void assertSecretRef(EnvVar env, String secret, String key) {
        assertThat(env.getValue()).as(env.getName() + " has no plain value").isNull();
        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
        assertThat(ref.getName()).as(env.getName() + "'s Secret").isEqualTo(secret);
        assertThat(ref.getKey()).as(env.getName() + "'s key").isEqualTo(key);
    }
}
