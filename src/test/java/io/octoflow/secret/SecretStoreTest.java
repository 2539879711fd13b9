package io.octoflow.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Response;

/** secrets.yml read as the spooler reads it, on a real file and a real Vault stand-in. */
class SecretStoreTest {

    @TempDir
    Path dir;
    TestHttpServer vault;

    @BeforeEach
    void setUp() {
        vault = TestHttpServer.start();
        vault.respond("/v1/secret/data/app", request -> "vault-token-123".equals(request.header("X-Vault-Token"))
                ? Response.json("{\"data\": {\"data\": {\"user\": \"svc\", \"pass\": \"vault-pass-456\"},"
                        + " \"metadata\": {\"version\": 2}}}")
                : Response.status(403, "application/json", "{\"errors\": [\"permission denied\"]}"));
    }

    @AfterEach
    void tearDown() {
        vault.close();
    }

    private SecretStore store(String yaml) throws Exception {
        Path file = dir.resolve("secrets.yml");
        Files.writeString(file, yaml);
        return new SecretStore(file, "vault-token-123", new Masker());
    }

    @Test
    void typeDefaultsToCredentialAndABadEntryLeavesTheOthersUsable() throws Exception {
        SecretStore secrets = store("""
                - name: plain
                  username: user-1
                  password: pass-secret-1
                - name: broken
                  type: token
                  tokn: typo-secret-value
                - name: strange
                  type: magic
                  value: magic-secret-value
                - name: key
                  type: api-key
                  key: X-Api-Key
                  value: key-secret-value
                """);

        Secret plain = secrets.get("plain");
        assertThat(plain.type()).isEqualTo("credential");
        assertThat(plain.field("username")).isEqualTo("user-1");
        assertThat(plain.field("password")).isEqualTo("pass-secret-1");
        assertThat(secrets.get("key").field("key")).isEqualTo("X-Api-Key");
        assertThat(secrets.get("key").field("value")).isEqualTo("key-secret-value");
        // reported when used, by name, with what is wrong, never with the values
        assertThatThrownBy(() -> secrets.get("broken")).isInstanceOf(SecretException.class)
                .hasMessageContaining("secrets.yml").hasMessageContaining("'broken'")
                .hasMessageContaining("missing token").hasMessageNotContaining("typo-secret-value");
        assertThatThrownBy(() -> secrets.get("strange")).hasMessageContaining("'strange'")
                .hasMessageContaining("unknown type 'magic'").hasMessageNotContaining("magic-secret-value");
        // the bad entries' values are masked all the same
        assertThat(secrets.masker().mask("typo-secret-value")).isEqualTo(Masker.MASK);
        assertThat(secrets.masker().mask("header X-Api-Key")).isEqualTo("header X-Api-Key");
    }

    @Test
    void vaultEntriesReadKvV2DataApplyTheirJqExpressionAndAreCachedForTheTtl() throws Exception {
        SecretStore secrets = store("""
                - name: app
                  type: hashicorp-vault
                  uri: %s
                  jq_expression: '{username: .user, password: .pass}'
                """.formatted(vault.url("/v1/secret/data/app"))).vaultCacheTtl(Duration.ofMinutes(5));

        Secret first = secrets.get("app");
        Secret second = secrets.get("app");

        assertThat(first.field("username")).isEqualTo("svc");
        assertThat(first.field("password")).isEqualTo("vault-pass-456");
        assertThat(second).isEqualTo(first);
        assertThat(vault.hits("/v1/secret/data/app")).isEqualTo(1);
        assertThat(secrets.masker().mask("vault-pass-456")).isEqualTo(Masker.MASK);
    }

    @Test
    void aZeroTtlAsksVaultEveryTime() throws Exception {
        SecretStore secrets = store("""
                - name: app
                  type: hashicorp-vault
                  uri: %s
                """.formatted(vault.url("/v1/secret/data/app"))).vaultCacheTtl(Duration.ZERO);

        assertThat(secrets.get("app").field("user")).isEqualTo("svc");
        assertThat(secrets.get("app").field("pass")).isEqualTo("vault-pass-456");
        assertThat(vault.hits("/v1/secret/data/app")).isEqualTo(2);
    }
}
