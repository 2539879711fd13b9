package io.octoflow.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Request;
import io.octoflow.support.TestHttpServer.Response;

class SecretMaskingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "svc-octoflow";
    private static final String PASSWORD = "Pa55w0rd-snow";
    private static final String TOKEN = "ghp_SuperSecretToken123";
    private static final String API_KEY = "apikey-abcdef-999";
    private static final String VAULT_TOKEN = "hvs.vault-root-token-xyz";
    private static final String VAULT_HELD = "vault-held-token-777";

    @TempDir
    Path dir;
    FlowFixture fx;
    TestHttpServer server;

    @BeforeEach
    void setUp() {
        server = TestHttpServer.start();
        fx = new FlowFixture(dir).set("HASHICORP_VAULT_TOKEN", VAULT_TOKEN);
        // echoes the credentials it received, in its JSON answer or in its error text
        server.respond("/echo", request -> Response.json(json(Map.of(
                "authorization", String.valueOf(request.header("Authorization")),
                "api_key", String.valueOf(request.header("X-API-Key"))))));
        server.respond("/reject", request -> Response.status(401, "text/plain",
                "rejected credentials: " + request.header("Authorization")));
        server.respond("/v1/secret/data/app", request -> VAULT_TOKEN.equals(request.header("X-Vault-Token"))
                ? Response.json("{\"data\": {\"data\": {\"token\": \"" + VAULT_HELD + "\"},"
                        + " \"metadata\": {\"version\": 3}}}")
                : Response.status(403, "application/json", "{\"errors\": [\"permission denied\"]}"));
        fx.secretsFile("""
                - name: snow
                  type: credential
                  username: %s
                  password: %s
                - name: gh
                  type: token
                  token: %s
                - name: weather
                  type: api-key
                  key: X-API-Key
                  value: %s
                - name: vaulted
                  type: hashicorp-vault
                  uri: %s
                """.formatted(USER, PASSWORD, TOKEN, API_KEY, server.url("/v1/secret/data/app")));
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void assertNoSecretIn(String text) {
        assertThat(text).doesNotContain(PASSWORD, basic(USER, PASSWORD), TOKEN, API_KEY, VAULT_TOKEN, VAULT_HELD);
    }

    @Test
    void secretValuesAreMaskedInDataErrorsRecordsAndDebugLogs() {
        fx.flow("leaky.yml", """
                name: leaky
                steps:
                  - name: basic echo
                    type: rest
                    result_key: basic_echo
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: basic, secret: snow}
                  - name: token echo
                    type: rest
                    result_key: token_echo
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: token, secret: gh}
                  - name: key echo
                    type: rest
                    result_key: key_echo
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: api-key, secret: weather}
                  - name: copied
                    type: set_fact
                    set_fact:
                      value: "token was {{ token_echo.authorization }}"
                  - name: show everything
                    type: debug
                    debug:
                      message: "echoes: {{ basic_echo.authorization }}"
                  - name: rejected
                    type: rest
                    rest:
                      uri: "{{ base_url }}/reject"
                      authentication: {type: token, secret: gh}
                """);

        RunResult r;
        String debugLog;
        String engineLog;
        try (LogCapture debug = new LogCapture("io.octoflow.debug");
                LogCapture outcomes = new LogCapture("io.octoflow.route.StepOutcome")) {
            r = fx.run("leaky.yml", Map.of("base_url", server.baseUrl()));
            debugLog = debug.text();
            engineLog = outcomes.text();
        }

        // the server did get the real credentials
        List<Request> echoes = server.requests("/echo");
        assertThat(echoes).extracting(q -> q.header("Authorization"))
                .containsExactly("Basic " + basic(USER, PASSWORD), "Bearer " + TOKEN, null);
        assertThat(echoes.get(2).header("X-API-Key")).isEqualTo(API_KEY);
        assertThat(server.lastRequest().header("Authorization")).isEqualTo("Bearer " + TOKEN);

        // but the run shows them masked
        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.data().get("basic_echo")).isEqualTo(Map.of("authorization", "Basic ***", "api_key", "null"));
        assertThat(r.data().get("token_echo")).isEqualTo(Map.of("authorization", "Bearer ***", "api_key", "null"));
        assertThat(r.data().get("key_echo")).isEqualTo(Map.of("authorization", "null", "api_key", "***"));
        assertThat(r.data().get("copied")).isEqualTo("token was Bearer ***");
        assertThat(r.error()).contains("failed at step 'rejected'").contains("HTTP status 401")
                .contains("rejected credentials: Bearer ***");
        assertThat(r.steps().get(r.steps().size() - 1).error()).contains("Bearer ***");
        assertThat(debugLog).contains("[leaky show everything] echoes: Basic *** \n").contains("Bearer ***")
                .contains("token was Bearer ***");
        assertThat(engineLog).contains("Bearer ***");

        assertNoSecretIn(json(r.data()));
        assertNoSecretIn(String.valueOf(r.data()));
        assertNoSecretIn(r.error());
        assertNoSecretIn(String.valueOf(r.steps()));
        assertNoSecretIn(debugLog);
        assertNoSecretIn(engineLog);
    }

    @Test
    void aSecretDebuggedAsJsonIsMaskedEvenWithCharactersJsonEscapes() {
        String password = "pa\"ss\\word-42";
        fx.secretsFile("""
                - name: odd
                  type: credential
                  username: someone
                  password: 'pa"ss\\word-42'
                """);
        server.respond("/echo-password", request -> {
            String decoded = new String(Base64.getDecoder().decode(request.header("Authorization").substring(6)),
                    StandardCharsets.UTF_8);
            return Response.json(json(Map.of("password", decoded.substring(decoded.indexOf(':') + 1))));
        });
        fx.flow("odd.yml", """
                name: odd secret
                steps:
                  - name: echo
                    type: rest
                    rest:
                      uri: "{{ base_url }}/echo-password"
                      authentication: {type: basic, secret: odd}
                  - name: show
                    type: debug
                    debug:
                      data_key: echo
                """);

        RunResult r;
        String debugLog;
        try (LogCapture debug = new LogCapture("io.octoflow.debug")) {
            r = fx.run("odd.yml", Map.of("base_url", server.baseUrl()));
            debugLog = debug.text();
        }

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("echo")).isEqualTo(Map.of("password", "***"));
        assertThat(debugLog).contains("[odd secret show]");
        // the log line is JSON: the password must not be readable there in its JSON-escaped form either
        assertThat(debugLog).doesNotContain(password).doesNotContain(json(password).replaceAll("^\"|\"$", ""));
    }

    @Test
    void vaultSecretIsFetchedOnceWithTheVaultTokenAndCached() {
        fx.flow("vault.yml", """
                name: vault
                steps:
                  - name: first call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: token, secret: vaulted}
                  - name: second call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: token, secret: vaulted, bearer: Token, header: X-Auth}
                """);

        RunResult first = fx.run("vault.yml", Map.of("base_url", server.baseUrl()));
        RunResult second = fx.run("vault.yml", Map.of("base_url", server.baseUrl()));

        assertThat(first.status()).as(first.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(second.status()).as(second.error()).isEqualTo(RunStatus.SUCCESS);
        // one Vault request for four uses within the 60 s cache, with the Vault token
        List<Request> vault = server.requests("/v1/secret/data/app");
        assertThat(vault).hasSize(1);
        assertThat(vault.get(0).method()).isEqualTo("GET");
        assertThat(vault.get(0).header("X-Vault-Token")).isEqualTo(VAULT_TOKEN);
        // the value from Vault (KV v2: data.data) was used
        List<Request> echoes = server.requests("/echo");
        assertThat(echoes).hasSize(4);
        assertThat(echoes.get(0).header("Authorization")).isEqualTo("Bearer " + VAULT_HELD);
        assertThat(echoes.get(1).header("X-Auth")).isEqualTo("Token " + VAULT_HELD);
        assertThat(echoes.get(3).header("X-Auth")).isEqualTo("Token " + VAULT_HELD);
        // and masked in the result
        assertThat(first.data().get("first call")).isEqualTo(Map.of("authorization", "Bearer ***", "api_key", "null"));
        assertThat(second.data().get("first call")).isEqualTo(Map.of("authorization", "Bearer ***", "api_key", "null"));
        assertNoSecretIn(json(first.data()));
        assertNoSecretIn(json(second.data()));
    }

    @Test
    void aVaultRefusalFailsTheStepWithoutShowingTheToken() {
        fx.close();
        fx = new FlowFixture(dir).set("HASHICORP_VAULT_TOKEN", "wrong-vault-token");
        fx.secretsFile("""
                - name: vaulted
                  type: hashicorp-vault
                  uri: %s
                """.formatted(server.url("/v1/secret/data/app")));
        fx.flow("vault_denied.yml", """
                name: vault denied
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/echo"
                      authentication: {type: token, secret: vaulted}
                """);

        RunResult r = fx.run("vault_denied.yml", Map.of("base_url", server.baseUrl()));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("call").contains("vaulted").contains("403");
        assertThat(r.error()).doesNotContain("wrong-vault-token");
        assertThat(server.hits("/echo")).isZero();
        assertThat(server.requests("/v1/secret/data/app").get(0).header("X-Vault-Token"))
                .isEqualTo("wrong-vault-token");
    }
}
