package io.octoflow.step;

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
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Request;

class RestStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    FlowFixture fx;
    TestHttpServer server;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        server = TestHttpServer.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    private RunResult runWithBase(String flow) {
        return fx.run(flow, Map.of("base_url", server.baseUrl()));
    }

    @Test
    void getWithTemplatedUriQueryAndHeadersParsesTheJsonResponse() {
        server.respond("/api/tickets", 200, "application/json", """
                {"result": [{"id": "T-1", "status": "new"}], "count": 1}
                """);
        fx.flow("get.yml", """
                name: rest get
                steps:
                  - name: kind
                    type: set_fact
                    set_fact:
                      value: tickets
                  - name: get tickets
                    type: rest
                    result_key: tickets
                    rest:
                      uri: "{{ base_url }}/api/{{ kind }}"
                      method: GET
                      query:
                        status: new
                        requested_at: "{{ __timestamp__ }}"
                        search: "a b&c={{ kind }}"
                      headers:
                        X-Job-Id: "{{ __job_id__ }}"
                        X-Kind: "kind-{{ kind }}"
                """);

        RunResult r = runWithBase("get.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("tickets")).isEqualTo(Map.of(
                "result", List.of(Map.of("id", "T-1", "status", "new")), "count", 1));
        Request request = server.lastRequest();
        assertThat(server.requests()).hasSize(1);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/api/tickets");
        assertThat(request.queryParam("status")).isEqualTo("new");
        assertThat(request.queryParam("requested_at")).matches("\\d{14}");
        assertThat(request.queryParam("search")).isEqualTo("a b&c=tickets");
        assertThat(request.header("X-Job-Id")).isEqualTo(r.jobId());
        assertThat(request.header("X-Kind")).isEqualTo("kind-tickets");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void postSendsTheTemplatedBodyAsJson() throws Exception {
        server.respond("/api/items", 201, "application/json", "{\"created\": true}");
        fx.flow("post.yml", """
                name: rest post
                steps:
                  - name: create
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: POST
                      body:
                        title: "item for {{ owner }}"
                        count: 3
                        tags: ["a", "{{ owner }}"]
                """);

        RunResult r = fx.run("post.yml", Map.of("base_url", server.baseUrl(), "owner", "ops"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("create")).isEqualTo(Map.of("created", true));
        Request request = server.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(JSON.readValue(request.body(), Map.class))
                .isEqualTo(Map.of("title", "item for ops", "count", 3, "tags", List.of("a", "ops")));
    }

    @Test
    void dataKeyWinsOverBody() throws Exception {
        server.respond("/api/items", 200, "application/json", "{\"ok\": 1}");
        fx.flow("post_key.yml", """
                name: rest post data key
                steps:
                  - name: payload
                    type: set_fact
                    set_fact:
                      value:
                        from: data_key
                        list: [1, 2]
                  - name: send
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: PUT
                      data_key: payload
                      body:
                        from: body
                """);

        RunResult r = runWithBase("post_key.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        Request request = server.lastRequest();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(JSON.readValue(request.body(), Map.class))
                .isEqualTo(Map.of("from", "data_key", "list", List.of(1, 2)));
    }

    @Test
    void textResponseIsKeptAsText() {
        server.respond("/hello.txt", 200, "text/plain; charset=utf-8", "hello, plain world\n");
        fx.flow("text.yml", """
                name: rest text
                steps:
                  - name: hello
                    type: rest
                    rest:
                      uri: "{{ base_url }}/hello.txt"
                """);

        RunResult r = runWithBase("text.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("hello")).isEqualTo("hello, plain world\n");
    }

    @Test
    void jqExpressionAppliesToTheParsedResponse() {
        server.respond("/tickets", 200, "application/json", """
                {"result": [{"id": 1, "status": "new"}, {"id": 2, "status": "closed"}, {"id": 3, "status": "new"}]}
                """);
        fx.flow("jq.yml", """
                name: rest jq
                steps:
                  - name: new tickets
                    type: rest
                    rest:
                      uri: "{{ base_url }}/tickets"
                    jq_expression: '[.result[] | select(.status == "new") | .id]'
                """);

        RunResult r = runWithBase("jq.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("new tickets")).isEqualTo(List.of(1, 3));
    }

    @Test
    void status404FailsTheStepWithTheStatusInTheError() {
        server.respond("/missing", 404, "text/plain", "nothing here");
        fx.flow("404.yml", """
                name: rest 404
                steps:
                  - name: fetch missing
                    type: rest
                    rest:
                      uri: "{{ base_url }}/missing"
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = runWithBase("404.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("fetch missing").contains("HTTP status 404");
        assertThat(r.data()).doesNotContainKey("after");
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status()).containsExactly("fetch missing:failed");
    }

    @Test
    void status500FailsTheStepWithTheStatusInTheError() {
        server.respond("/boom", 500, "application/json", "{\"error\": \"database down\"}");
        fx.flow("500.yml", """
                name: rest 500
                steps:
                  - name: call boom
                    type: rest
                    rest:
                      uri: "{{ base_url }}/boom"
                      method: POST
                      body: {x: 1}
                """);

        RunResult r = runWithBase("500.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("call boom").contains("HTTP status 500");
        assertThat(server.hits("/boom")).isEqualTo(1);
    }

    @Test
    void ignoreErrorsOnAStatusLetsTheFlowGoOn() {
        fx.flow("ignore.yml", """
                name: rest ignore
                steps:
                  - name: optional endpoint
                    type: rest
                    rest:
                      uri: "{{ base_url }}/does-not-exist.json"
                    ignore_errors: ["HTTP status 404"]
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = runWithBase("ignore.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("after")).isEqualTo("ran");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) r.data().get("__errors__");
        assertThat(errors).hasSize(1);
        // the spooler's entry for an HTTP error; the pattern matched Octoflow's own message
        assertThat(errors.get(0)).containsEntry("step", "optional endpoint")
                .containsEntry("ignored", "Error ignored based on regex: HTTP status 404");
        assertThat((Map<String, Object>) errors.get(0).get("error")).containsEntry("status_code", 404);
        assertThat(r.data()).doesNotContainKey("optional endpoint");
    }

    @Test
    void ignoreErrorsForAnotherStatusStillFails() {
        server.respond("/boom", 500, "text/plain", "down");
        fx.flow("not_ignored.yml", """
                name: rest not ignored
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/boom"
                    ignore_errors: ["HTTP status 404"]
                """);

        RunResult r = runWithBase("not_ignored.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("HTTP status 500");
    }

    private void writeSecrets() {
        fx.secretsFile("""
                - name: snow_credential
                  type: credential
                  username: svc-octoflow
                  password: s3cr3t-pass
                - name: github
                  type: token
                  token: ghp_tok3n_value
                - name: weather
                  type: api-key
                  key: abc123-key
                - name: weather_custom
                  type: api-key
                  key: def456-key
                  header: X-Weather-Key
                """);
        server.respond("/secure", 200, "application/json", "{\"ok\": true}");
    }

    private Request callWithAuth(String authentication) {
        writeSecrets();
        fx.flow("auth.yml", """
                name: rest auth
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/secure"
                      authentication:
                %s
                """.formatted(authentication.indent(8).stripTrailing()));
        RunResult r = runWithBase("auth.yml");
        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("call")).isEqualTo(Map.of("ok", true));
        return server.lastRequest();
    }

    @Test
    void basicAuthentication() {
        Request request = callWithAuth("""
                type: basic
                secret: snow_credential
                """);

        String expected = "Basic " + Base64.getEncoder()
                .encodeToString("svc-octoflow:s3cr3t-pass".getBytes(StandardCharsets.UTF_8));
        assertThat(request.header("Authorization")).isEqualTo(expected);
    }

    @Test
    void tokenAuthenticationDefaultsToABearerAuthorizationHeader() {
        Request request = callWithAuth("""
                type: token
                secret: github
                """);

        assertThat(request.header("Authorization")).isEqualTo("Bearer ghp_tok3n_value");
    }

    @Test
    void tokenAuthenticationWithCustomBearerAndHeader() {
        Request request = callWithAuth("""
                type: token
                secret: github
                bearer: token
                header: X-Auth-Token
                """);

        assertThat(request.header("X-Auth-Token")).isEqualTo("token ghp_tok3n_value");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void tokenAuthenticationWithEmptyBearerSendsTheTokenAlone() {
        Request request = callWithAuth("""
                type: token
                secret: github
                bearer: ""
                """);

        assertThat(request.header("Authorization")).isEqualTo("ghp_tok3n_value");
    }

    @Test
    void apiKeyAuthenticationDefaultsToXApiKey() {
        Request request = callWithAuth("""
                type: api-key
                secret: weather
                """);

        assertThat(request.header("X-API-Key")).isEqualTo("abc123-key");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void apiKeyAuthenticationWithHeaderFromTheStepOrTheSecret() {
        Request fromStep = callWithAuth("""
                type: api-key
                secret: weather
                header: X-Custom-Key
                """);
        assertThat(fromStep.header("X-Custom-Key")).isEqualTo("abc123-key");

        fx.close();
        fx = new FlowFixture(dir.resolve("second"));
        Request fromSecret = callWithAuth("""
                type: api-key
                secret: weather_custom
                """);
        assertThat(fromSecret.header("X-Weather-Key")).isEqualTo("def456-key");
    }

    @Test
    void unknownSecretFailsTheStep() {
        writeSecrets();
        fx.flow("nosecret.yml", """
                name: rest no secret
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: "{{ base_url }}/secure"
                      authentication:
                        type: token
                        secret: nope
                """);

        RunResult r = runWithBase("nosecret.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("secret 'nope'");
        assertThat(server.hits("/secure")).isZero();
    }
}
