package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** Authentication, bad requests and the documentation endpoints of a started service's API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRequestsTest {

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("hello.yml", """
                name: hello
                steps:
                  - name: greet
                    type: set_fact
                    set_fact:
                      value: hi
                """);
        service.files().flow("broken.yml", """
                name: broken
                steps:
                  - name: greet
                    type: no_such_type
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void everyApiRouteWantsTheBearerToken() {
        String[][] routes = {{"GET", "/api/flows"}, {"POST", "/api/flows/add"}, {"DELETE", "/api/flows/x"},
            {"POST", "/api/flows/launch"}, {"GET", "/api/locks"}, {"DELETE", "/api/locks/x"}, {"DELETE", "/api/locks"},
            {"GET", "/api/executions"}, {"GET", "/api/executions/x"}, {"DELETE", "/api/executions"},
            {"POST", "/api/executions/x/abort"}, {"POST", "/api/validate"}};
        for (String[] route : routes) {
            Response missing = service.send(HttpRequest.newBuilder(java.net.URI.create(service.url(route[1])))
                    .method(route[0], HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(missing.status()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(missing.json().get("error").asText()).contains("Authorization: Bearer");

            Response wrong = service.send(service.request(route[1]).setHeader("Authorization", "Bearer nope")
                    .method(route[0], HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(wrong.status()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(wrong.json().get("error").asText()).isEqualTo("invalid token");
        }
        Response basic = service.send(service.request("/api/flows").setHeader("Authorization", "Basic "
                + ServiceFixture.TOKEN));
        assertThat(basic.status()).isEqualTo(401);
        Response prefix = service.send(service.request("/api/flows").setHeader("Authorization", "Bearer "
                + ServiceFixture.TOKEN.substring(0, 5)));
        assertThat(prefix.status()).isEqualTo(401);
        assertThat(service.get("/api/flows").status()).isEqualTo(200);
    }

    @Test
    void malformedJsonUnknownFieldsAndWrongTypesAre400WithTheReason() {
        assertError(service.post("/api/flows/launch", "{\"path\": "), 400, "malformed JSON", "line 1");
        assertError(service.post("/api/flows/launch", "[1, 2]"), 400, "expected a JSON object");
        assertError(service.post("/api/flows/launch", ""), 400, "JSON object body");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"dta\": {}}"), 400,
                "unknown field 'dta'", "data, flow, path, timeout_seconds");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"flow\": \"hello\"}"), 400,
                "either 'path' or 'flow'");
        assertError(service.post("/api/flows/launch", "{\"flow\": \"nobody\"}"), 404,
                "no deployed flow has the path or name 'nobody'");
        assertError(service.post("/api/flows/launch", "{}"), 400, "missing field 'path'");
        assertError(service.post("/api/flows/launch", "{\"path\": 3}"), 400, "'path'", "non-empty string");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"timeout_seconds\": -1}"), 400,
                "timeout_seconds", "positive whole number");
        assertError(service.post("/api/flows/add", "{\"path\": \"hello.yml\", \"cron\": \"61 * * * *\"}"), 400,
                "cron");
        assertError(service.post("/api/flows/add", "{\"path\": \"hello.yml\", \"cron\": \"* * * * *\","
                + " \"every_seconds\": 5}"), 400, "either cron or every_seconds");
        assertError(service.post("/api/flows/add", "{\"path\": \"hello.yml\"}"), 400, "no schedule");
    }

    @Test
    void aKeyGivenTwiceTextAfterTheObjectDeepNestingAndHugeNumbersAre400() {
        // issue 18 #19 and #16: strict JSON, and numbers that fit what they count
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"path\": \"other.yml\"}"), 400,
                "malformed JSON", "Duplicate field 'path'");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\"} trailing"), 400, "malformed JSON");
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"data\": " + deep + "}"), 400,
                "malformed JSON", "nesting depth");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"timeout_seconds\": "
                + Long.MAX_VALUE + "}"), 400, "timeout_seconds", "positive whole number up to");
        assertError(service.post("/api/flows/launch", "{\"path\": \"hello.yml\", \"timeout_seconds\": "
                + "99999999999999999999999}"), 400, "timeout_seconds");
        assertError(service.post("/api/flows/add", "{\"path\": \"hello.yml\", \"every_seconds\": "
                + Long.MAX_VALUE + "}"), 400, "every_seconds", "positive whole number up to");
        assertThat(service.get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheFlowsDirectoryUnknownFlowsAndInvalidFilesAreRefused() {
        assertError(service.post("/api/flows/launch", "{\"path\": \"../data/x.yml\"}"), 400, "path", "../data/x.yml");
        assertError(service.post("/api/flows/launch", "{\"path\": \"/etc/passwd\"}"), 400, "path");
        assertError(service.post("/api/flows/launch", "{\"path\": \"nope.yml\"}"), 404, "nope.yml", "FLOWS_PATH");
        Response broken = service.post("/api/flows/launch", "{\"path\": \"broken.yml\"}");
        assertError(broken, 400, "broken.yml", "does not validate");
        assertThat(broken.json().at("/details/0/line").asInt()).isEqualTo(4);
        assertThat(broken.json().at("/details/0/message").asText()).contains("no_such_type");
    }

    @Test
    void oversizedBodiesAre413() {
        String big = "{\"path\": \"hello.yml\", \"data\": {\"x\": \"" + "a".repeat(io.octoflow.config.ApiLimits.DEFAULT_MAX_BODY_BYTES)
                + "\"}}";
        Response answer = service.post("/api/flows/launch", big);
        assertThat(answer.status()).isEqualTo(413);
        // the service is unharmed
        assertThat(service.post("/api/flows/launch?wait=true", "{\"path\": \"hello.yml\"}").status()).isEqualTo(200);
    }

    @Test
    void unknownIdsAre404AndBadQueriesAre400() {
        assertError(service.get("/api/executions/no-such-id"), 404, "no-such-id");
        assertError(service.post("/api/executions/no-such-id/abort", ""), 404, "no-such-id");
        assertError(service.delete("/api/flows/no-such-schedule"), 404, "no-such-schedule");
        assertError(service.delete("/api/locks/nobody"), 404, "nobody");
        assertError(service.get("/api/executions?status=done"), 400, "status", "success");
        assertError(service.get("/api/executions?limit=-3"), 400, "limit");
        assertError(service.get("/api/executions?limit=5000"), 400, "limit", "1000");
        assertError(service.get("/api/executions?offset=x"), 400, "offset");
        assertError(service.get("/api/executions?from=yesterday"), 400, "from", "ISO 8601");
        assertError(service.get("/api/executions?from=2026-02-01&to=2026-01-01"), 400, "from");
        assertError(service.delete("/api/executions?status=running"), 400, "abort them first");
        assertError(service.delete("/api/executions?older_than_days=soon"), 400, "older_than_days");
    }

    @Test
    void validateAnswersTheProblemsWithTheirLines() {
        Response valid = service.post("/api/validate", "name: ok\nsteps:\n  - name: a\n    type: debug\n");
        assertThat(valid.status()).isEqualTo(200);
        assertThat(valid.json().get("valid").asBoolean()).isTrue();
        assertThat(valid.json().get("problems")).isEmpty();

        Response invalid = service.post("/api/validate", """
                name: bad
                steps:
                  - name: a
                    type: jq
                    jq:
                      expression: '.[ broken'
                  - name: a
                    type: goto
                    colour: blue
                    goto:
                      step_name: nowhere
                  - name: c
                    type: bogus
                """);
        assertThat(invalid.status()).isEqualTo(200);
        JsonNode body = invalid.json();
        assertThat(body.get("valid").asBoolean()).isFalse();
        assertThat(body.get("problems")).anySatisfy(p -> {
            assertThat(p.get("line").asInt()).isEqualTo(6);
            assertThat(p.get("message").asText()).containsIgnoringCase("jq");
        });
        assertThat(body.get("problems")).anySatisfy(p -> {
            assertThat(p.get("line").asInt()).isEqualTo(9);
            assertThat(p.get("message").asText()).contains("colour");
        });
        assertThat(body.get("problems")).anySatisfy(p -> assertThat(p.get("message").asText()).contains("nowhere"));
        assertThat(body.get("problems")).anySatisfy(p -> assertThat(p.get("message").asText())
                .contains("already used on line 3"));
        // what the spooler accepts is a warning; the unknown step type is the one error
        List<String> severities = new ArrayList<>();
        body.get("problems").forEach(p -> severities.add(p.get("line").asInt() + ":" + p.get("severity").asText()));
        assertThat(severities).containsExactly("6:warning", "7:warning", "9:warning", "11:warning", "13:error");
        assertError(service.post("/api/validate", ""), 400, "flow YAML");
    }

    @Test
    void theApiDescriptionAndItsPageAreOpen() {
        Response openapi = service.send(HttpRequest.newBuilder(java.net.URI.create(service.url("/api/openapi.json"))));
        assertThat(openapi.status()).isEqualTo(200);
        JsonNode paths = openapi.json().get("paths");
        assertThat(paths.has("/api/flows/launch")).as(paths.toString()).isTrue();
        assertThat(paths.has("/api/executions/{id}")).isTrue();

        Response page = service.send(HttpRequest.newBuilder(java.net.URI.create(service.url("/api/docs"))));
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("SwaggerUIBundle", "/api/openapi.json");
        Response script = service.send(HttpRequest.newBuilder(
                java.net.URI.create(service.url("/api/docs/swagger-ui-bundle.js"))));
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body().length()).isGreaterThan(10_000);
    }

    private static void assertError(Response response, int status, String... fragments) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).as(response.body()).contains(fragments);
    }
}
