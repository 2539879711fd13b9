package io.octoflow.kubernetes.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.secret.Masker;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.KubernetesMock;
import io.octoflow.support.TestHttpServer;

/**
 * Secrets read from the cluster: {@code type: kubernetes} entries of secrets.yml (decoded, masked, usable by a
 * step's authentication) and camel-kubernetes' {@code {{secret:...}}} / {@code {{configmap:...}}} placeholders
 * resolved with Octoflow's client.
 */
class KubernetesSecretsTest {

    private static final String TOKEN = "ghp_s3cr3tT0ken";

    @TempDir
    Path dir;
    KubernetesMock mock;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        mock = new KubernetesMock();
        mock.client().secrets().resource(new SecretBuilder().withNewMetadata().withName("ci-tokens").endMetadata()
                .addToData("github", b64(TOKEN)).addToData("gitlab", b64("glpat-other-token")).build()).create();
        mock.client().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .endMetadata().addToData("region", "eu-west").build()).create();
        fx = new FlowFixture(dir).set("KUBECONFIG", mock.kubeconfig(dir.resolve("kube")).toString());
    }

    @AfterEach
    void tearDown() {
        fx.close();
        mock.close();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKubernetesEntryIsReadDecodedAndMasked() {
        fx.secretsFile("""
                - {name: github, type: kubernetes, secret: ci-tokens, key: github, field: token}
                - {name: ci-tokens, type: kubernetes}
                - {name: missing-key, type: kubernetes, secret: ci-tokens, key: bitbucket}
                - {name: missing-secret, type: kubernetes, namespace: other}
                """);
        Masker masker = new Masker();
        try (KubernetesAccess access = new KubernetesAccess(fx.config())) {
            SecretStore store = new SecretStore(fx.secrets(), null, masker, new KubernetesSecrets(access));

            assertThat(store.get("github").field("token")).isEqualTo(TOKEN);
            assertThat(store.get("ci-tokens").fields()).containsEntry("github", TOKEN)
                    .containsEntry("gitlab", "glpat-other-token");
            assertThat(masker.mask("auth " + TOKEN + " and glpat-other-token")).isEqualTo("auth *** and ***");
            // the entry's own fields name where the values are: they are not masked
            assertThat(masker.mask("key github in secret ci-tokens")).isEqualTo("key github in secret ci-tokens");
            assertThatThrownBy(() -> store.get("missing-key")).isInstanceOf(SecretException.class)
                    .hasMessageContaining("missing-key").hasMessageContaining("no key 'bitbucket'")
                    .hasMessageContaining("github, gitlab").hasMessageNotContaining(TOKEN);
            assertThatThrownBy(() -> store.get("missing-secret")).isInstanceOf(SecretException.class)
                    .hasMessageContaining("other/missing-secret does not exist");
        }
    }

    @Test
    void aStepAuthenticatesWithAKubernetesSecretAndTheTokenStaysMasked() {
        fx.secretsFile("- {name: github, type: kubernetes, secret: ci-tokens, key: github, field: token}\n");
        try (TestHttpServer server = TestHttpServer.start()) {
            server.respond("/echo", 200, "application/json", "{\"echo\": \"" + TOKEN + "\"}");
            fx.flow("auth.yml", """
                    name: auth
                    steps:
                      - name: call
                        type: rest
                        rest:
                          uri: "%s/echo"
                          authentication: {type: token, secret: github}
                    """.formatted(server.baseUrl()));

            RunResult r = fx.run("auth.yml");

            assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
            assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(r.data()).containsEntry("call", Map.of("echo", "***"));
        }
    }

    @Test
    void camelSecretAndConfigmapPlaceholdersUseOctoflowsClient() throws Exception {
        var camel = fx.engine().camelContext();

        assertThat(camel.resolvePropertyPlaceholders("{{secret:ci-tokens/github}}")).isEqualTo(TOKEN);
        assertThat(camel.resolvePropertyPlaceholders("region={{configmap:settings/region}}"))
                .isEqualTo("region=eu-west");
    }
}
