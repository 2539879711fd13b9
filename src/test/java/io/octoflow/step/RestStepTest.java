package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void getWithTemplatedUriAndLiteralQueryAndHeadersParsesTheJsonResponse() {
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
                      method: get
                      query:
                        status: new
                        n: 5
                        flag: true
                        none: null
                        ratio: 1.5
                        l: [a, b]
                        search: "a b&c=*/é"
                        tpl: "{{ x }}"
                      headers:
                        X-Literal: "kind-{{ kind }}"
                        X-Number: 42
                        X-Flag: true
                """);

        RunResult r = runWithBase("get.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("tickets")).isEqualTo(Map.of(
                "result", List.of(Map.of("id", "T-1", "status", "new")), "count", 1));
        Request request = server.lastRequest();
        assertThat(server.requests()).hasSize(1);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/api/tickets");
        // exactly what Python's urlencode makes of the same mapping (values through str())
        assertThat(request.query()).isEqualTo("status=new&n=5&flag=True&none=None&ratio=1.5"
                + "&l=%5B%27a%27%2C+%27b%27%5D&search=a+b%26c%3D%2A%2F%C3%A9&tpl=%7B%7B+x+%7D%7D");
        // headers are sent as written, scalars as Python prints them
        assertThat(request.header("X-Literal")).isEqualTo("kind-{{ kind }}");
        assertThat(request.header("X-Number")).isEqualTo("42");
        assertThat(request.header("X-Flag")).isEqualTo("True");
        assertThat(request.body()).isEmpty();
    }

    @Test
    void queryIsJoinedWithAmpersandWhenTheUriAlreadyHasOne() {
        server.respond("/search", 200, "application/json", "[]");
        fx.flow("q.yml", """
                name: rest query join
                steps:
                  - name: search
                    type: rest
                    rest:
                      uri: "{{ base_url }}/search?jql=project%3DOPS"
                      query:
                        expand: names
                """);

        RunResult r = runWithBase("q.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("search")).isEqualTo(List.of());
        assertThat(server.lastRequest().query()).isEqualTo("jql=project%3DOPS&expand=names");
    }

    @Test
    void postSendsTheBodyLiterallyAsJson() throws Exception {
        server.respond("/api/items", 201, "application/json", "{\"created\": true}");
        fx.flow("post.yml", """
                name: rest post
                steps:
                  - name: create
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: Post
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
        assertThat(JSON.readValue(request.body(), Map.class)).isEqualTo(Map.of(
                "title", "item for {{ owner }}", "count", 3, "tags", List.of("a", "{{ owner }}")));
    }

    @Test
    void postWithoutBodyOrWithAMissingDataKeySendsAnEmptyObject() throws Exception {
        server.respond("/api/items", 200, "application/json", "{}");
        fx.flow("empty.yml", """
                name: rest empty bodies
                steps:
                  - name: no body
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: patch
                  - name: missing key
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: put
                      data_key: not_there
                      body: {ignored: true}
                  - name: string body
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: POST
                      body: "plain text"
                """);

        RunResult r = runWithBase("empty.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        List<Request> requests = server.requests("/api/items");
        assertThat(requests).extracting(Request::method).containsExactly("PATCH", "PUT", "POST");
        assertThat(JSON.readValue(requests.get(0).body(), Object.class)).isEqualTo(Map.of());
        assertThat(JSON.readValue(requests.get(1).body(), Object.class)).isEqualTo(Map.of());
        assertThat(JSON.readValue(requests.get(2).body(), Object.class)).isEqualTo("plain text");
    }

    @Test
    void getAndDeleteSendNoBodyEvenWithADataKey() {
        server.respond("/api/items", 200, "application/json", "{}");
        fx.flow("nobody.yml", """
                name: rest no body
                steps:
                  - name: payload
                    type: set_fact
                    set_fact:
                      value: {a: 1}
                  - name: get
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      data_key: payload
                  - name: delete
                    type: rest
                    rest:
                      uri: "{{ base_url }}/api/items"
                      method: delete
                      data_key: payload
                      body: {b: 2}
                """);

        RunResult r = runWithBase("nobody.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(server.requests("/api/items")).extracting(Request::method).containsExactly("GET", "DELETE");
        assertThat(server.requests("/api/items")).allSatisfy(req -> assertThat(req.body()).isEmpty());
    }

    @Test
    void anUnknownMethodIsRefusedAtLoadWithItsLine() {
        fx.flow("bad_method.yml", """
                name: rest bad method
                steps:
                  - name: call
                    type: rest
                    rest:
                      uri: http://localhost/
                      method: fetch
                """);

        assertThatThrownBy(() -> fx.load("bad_method.yml"))
                .hasMessageContaining("bad_method.yml:7:")
                .hasMessageContaining("rest.method").hasMessageContaining("'fetch'");
    }

    @Test
    void emptyAnd204ResponsesAreStoredAsNullAndTextStaysText() {
        server.respond("/none", 204, null, "");
        server.respond("/number", 200, "text/plain", "42");
        fx.flow("empty_resp.yml", """
                name: rest empty responses
                steps:
                  - name: none
                    type: rest
                    rest:
                      uri: "{{ base_url }}/none"
                      method: DELETE
                  - name: number
                    type: rest
                    rest:
                      uri: "{{ base_url }}/number"
                """);

        RunResult r = runWithBase("empty_resp.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("none", null);
        // parsed as JSON whatever the content type, as Python's response.json() does
        assertThat(r.data()).containsEntry("number", 42);
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
                  key: X-Weather-Key
                  value: abc123-key
                - name: default_type
                  username: plain-user
                  password: plain-pass
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
    void apiKeySendsTheSecretsValueInTheHeaderItsKeyNames() {
        Request request = callWithAuth("""
                type: api_key
                secret: weather
                """);

        assertThat(request.header("X-Weather-Key")).isEqualTo("abc123-key");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void apiKeyAlsoAcceptsTheDashedSpellingAndAHeaderFromTheStep() {
        Request request = callWithAuth("""
                type: api-key
                secret: weather
                header: X-Custom-Key
                """);

        assertThat(request.header("X-Custom-Key")).isEqualTo("abc123-key");
        assertThat(request.header("X-Weather-Key")).isNull();
    }

    @Test
    void aSecretWithoutTypeIsACredential() {
        Request request = callWithAuth("""
                type: basic
                secret: default_type
                """);

        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString("plain-user:plain-pass".getBytes(StandardCharsets.UTF_8)));
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
