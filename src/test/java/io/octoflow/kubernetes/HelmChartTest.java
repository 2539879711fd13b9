package io.octoflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Helm chart {@code k8s:helm} generates (process-resources, like the manifests), rendered by Helm's own template
 * engine: its values.yaml switches one replica on the embedded H2 to N replicas on a PostgreSQL (docs/DEPLOY.md,
 * "Several replicas"), and its defaults give exactly the manifests of {@code k8s:resource}.
 */
class HelmChartTest {

    private static final String MANIFEST = "META-INF/jkube/kubernetes.yml";
    private static final String POSTGRES = "jdbc:postgresql://postgres:5432/octoflow";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Path chart;
    private static List<HasMetadata> manifests;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = HelmChartTest.class.getClassLoader().getResource(MANIFEST);
        if (url == null) {
            fail(MANIFEST + " is not on the classpath: the kubernetes-maven-plugin 'resource' goal did not run"
                    + " (it is bound to process-resources)");
        }
        try (InputStream in = url.openStream()) {
            manifests = SERIALIZATION.unmarshal(in, KubernetesList.class).getItems();
        }
        Path target = Path.of(url.toURI()).getParent().getParent().getParent().getParent();
        chart = target.resolve("jkube/helm/octoflow/kubernetes");
        assertThat(chart.resolve("Chart.yaml")).as("the chart of k8s:helm (bound to process-resources)").exists();
    }

    @Test
    void valuesYamlHoldsTheSingleNodeDefaults() throws IOException {
        Object values = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(chart.resolve("values.yaml")));
        assertThat(values).isEqualTo(Map.of("replicas", 1, "cluster", false, "dbUrl", "",
                "updateStrategy", "Recreate", "dataAccessMode", "ReadWriteOnce"));
    }

    @Test
    void theTemplatesReadEachValue() throws IOException {
        String deployment = Files.readString(chart.resolve("templates/octoflow-deployment.yaml"));
        assertThat(deployment).contains("replicas: {{ .Values.replicas }}")
                .contains("type: {{ .Values.updateStrategy }}")
                // environment variables are strings whatever --set gives
                .contains("value: {{ .Values.cluster | quote }}")
                .contains("value: {{ .Values.dbUrl | quote }}");
        assertThat(Files.readString(chart.resolve("templates/octoflow-data-persistentvolumeclaim.yaml")))
                .contains("- {{ .Values.dataAccessMode }}");
        // no placeholder left half-done by the copy of the fragments (pom.xml, execution helm-fragments)
        try (var templates = Files.list(chart.resolve("templates"))) {
            for (Path template : templates.toList()) {
                assertThat(Files.readString(template)).as(template.getFileName().toString())
                        .doesNotContain("$replicas", "$cluster", "$dbUrl", "$updateStrategy", "$dataAccessMode",
                                "${");
            }
        }
    }

    @Test
    void theDefaultsRenderExactlyTheManifestsOfK8sResource() {
        List<HasMetadata> rendered = render(new Helm(chart).template());
        assertThat(rendered).containsExactlyInAnyOrderElementsOf(manifests);
        assertThat(deployment(rendered).getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void setSwitchesToSeveralReplicasOnPostgres() {
        // the command of docs/DEPLOY.md, "Several replicas"
        List<HasMetadata> rendered = render(new Helm(chart).template()
                .set("replicas", "3").set("cluster", "true").set("dbUrl", POSTGRES)
                .set("updateStrategy", "RollingUpdate").set("dataAccessMode", "ReadWriteMany"));

        Deployment deployment = deployment(rendered);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        Map<String, EnvVar> env = env(deployment);
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("DB_URL").getValue()).isEqualTo(POSTGRES);
        // the credentials still come from the Secret, never from a value
        assertThat(env.get("DB_PASSWORD").getValue()).isNull();
        assertThat(env.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("octoflow-db");

        assertThat(claim(rendered).getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        // nothing else changes
        assertThat(rendered).hasSameSizeAs(manifests);
    }

    @Test
    void theValuesFileOfTheDocsSwitchesToo(@TempDir Path dir) throws IOException {
        // the ```yaml block after "cluster-values.yaml" in docs/DEPLOY.md, as a reader would save it
        String docs = Files.readString(Path.of("docs/DEPLOY.md"));
        int example = docs.indexOf("```yaml", docs.indexOf("-f cluster-values.yaml"));
        assertThat(example).as("the values file example of docs/DEPLOY.md, \"Several replicas\"").isPositive();
        String yaml = docs.substring(docs.indexOf('\n', example) + 1, docs.indexOf("```", example + 7));
        Path values = Files.writeString(dir.resolve("cluster-values.yaml"), yaml);

        List<HasMetadata> rendered = render(new Helm(chart).template().withValuesFile(values));
        Deployment deployment = deployment(rendered);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        Map<String, EnvVar> env = env(deployment);
        // a YAML true still reaches the container as the string CLUSTER expects
        assertThat(env.get("CLUSTER").getValue()).isEqualTo("true");
        assertThat(env.get("DB_URL").getValue()).isEqualTo(POSTGRES);
        assertThat(claim(rendered).getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    }

    // ------------------------------------------------------------------ helpers

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

    private static Deployment deployment(List<HasMetadata> resources) {
        return resources.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
    }

    private static PersistentVolumeClaim claim(List<HasMetadata> resources) {
        return resources.stream().filter(PersistentVolumeClaim.class::isInstance)
                .map(PersistentVolumeClaim.class::cast).findFirst().orElseThrow();
    }

    private static Map<String, EnvVar> env(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e));
    }
}
