package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * /api/openapi.json of a started service, read by swagger-parser (the validator swagger-cli and Swagger Editor use):
 * a valid OpenAPI 3.1 document describing every operation with a real id, its parameters, bodies, answers and the
 * bearer token, and a server URL a browser can send "Try it out" requests to (issue 19).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    /** Operations anyone may call: the documentation itself. */
    private static final Set<String> OPEN = Set.of("getOpenApiDocument", "getApiDocs", "getApiDocsAsset",
            "getSpoolerSwagger", "postWebhook"); // a webhook has its own secret, not the API token

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    ServiceFixture service;
    String json;
    OpenAPI document;

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
        service.start();
        // no token: the description is open
        Response response = service.send(HttpRequest.newBuilder(URI.create(service.url("/api/openapi.json"))));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        json = response.body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(parsed.getMessages()).as("validation messages of\n%s", json).isEmpty();
        document = parsed.getOpenAPI();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void isAnOpenApi31DocumentWithoutValidationMessages() {
        assertThat(document).isNotNull();
        assertThat(document.getOpenapi()).startsWith("3.1.");
        assertThat(document.getInfo().getTitle()).isEqualTo("Octoflow API");
    }

    @Test
    void theServerIsRelativeSoTheBrowserSendsTryItOutToTheHostItCameFrom() {
        assertThat(document.getServers()).extracting(s -> s.getUrl()).containsExactly("/");
        assertThat(json).doesNotContain("0.0.0.0");
    }

    @Test
    void everyOperationHasAUniqueRealIdASummaryAndDescribedAnswers() {
        List<String> ids = new ArrayList<>();
        forEachOperation((path, method, op) -> {
            String where = method + " " + path;
            assertThat(op.getOperationId()).as(where).isNotBlank().doesNotMatch("(verb|route|rest)\\d+");
            assertThat(op.getSummary()).as(where).isNotBlank();
            assertThat(op.getResponses()).as(where).isNotEmpty();
            op.getResponses().forEach((code, answer) -> {
                assertThat(code).as(where).matches("[1-5]\\d\\d");
                assertThat(answer.getDescription()).as(where + " " + code).isNotBlank();
            });
            ids.add(op.getOperationId());
        });
        assertThat(ids).doesNotHaveDuplicates().contains("launchFlow", "listExecutions", "getExecution",
                "listFlows", "validateFlow", "listJobs", "launchJob", "createTask");
        assertThat(ids).hasSize(41); // 20 of Octoflow, 10 of rego, 10 of the spooler, the webhooks
    }

    @Test
    void bearerSecurityIsDeclaredAndAppliedToEveryOperationButTheDocumentation() {
        SecurityScheme bearer = document.getComponents().getSecuritySchemes().get("bearer");
        assertThat(bearer.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(bearer.getScheme()).isEqualTo("bearer");
        assertThat(document.getSecurity()).as("no global requirement: the documentation is open").isNullOrEmpty();
        forEachOperation((path, method, op) -> {
            String where = method + " " + path;
            if (OPEN.contains(op.getOperationId())) {
                assertThat(op.getSecurity()).as(where).isNullOrEmpty();
            } else {
                assertThat(op.getSecurity()).as(where).hasSize(1);
                assertThat(op.getSecurity().get(0)).as(where).containsOnlyKeys("bearer");
                assertThat(op.getResponses()).as(where).containsKey("401");
            }
        });
    }

    @Test
    void everyPathParameterIsDeclaredRequiredAndTyped() {
        Pattern template = Pattern.compile("\\{([^}]+)}");
        forEachOperation((path, method, op) -> {
            Set<String> declared = new HashSet<>();
            for (Parameter p : op.getParameters() == null ? List.<Parameter>of() : op.getParameters()) {
                assertThat(p.getSchema().getTypes()).as(method + " " + path + " " + p.getName()).isNotEmpty();
                assertThat(p.getDescription()).as(method + " " + path + " " + p.getName()).isNotBlank();
                if ("path".equals(p.getIn())) {
                    assertThat(p.getRequired()).isTrue();
                    declared.add(p.getName());
                }
            }
            Set<String> inPath = new HashSet<>();
            Matcher m = template.matcher(path);
            while (m.find()) {
                inPath.add(m.group(1));
            }
            assertThat(declared).as(method + " " + path).isEqualTo(inPath);
        });
    }

    @Test
    void bodiesAndJsonAnswersHaveSchemas() {
        Operation launch = document.getPaths().get("/api/flows/launch").getPost();
        var body = launch.getRequestBody().getContent().get("application/json").getSchema();
        assertThat(body.get$ref()).endsWith("/LaunchRequest");
        var request = document.getComponents().getSchemas().get("LaunchRequest");
        assertThat(request.getProperties()).containsKeys("path", "flow", "data", "timeout_seconds");
        assertThat(launch.getParameters()).extracting(Parameter::getName).containsExactly("wait");
        assertThat(launch.getResponses().get("202").getContent().get("application/json").getSchema().get$ref())
                .endsWith("/Launch");
        assertThat(document.getComponents().getSchemas().get("Launch").getProperties())
                .containsKeys("execution_id", "status");

        Operation executions = document.getPaths().get("/api/executions").getGet();
        assertThat(executions.getParameters()).extracting(Parameter::getName)
                .contains("flow", "status", "from", "to", "limit", "offset");
        var list = executions.getResponses().get("200").getContent().get("application/json").getSchema();
        assertThat(list.getItems().get$ref()).endsWith("/Execution");

        Operation validate = document.getPaths().get("/api/validate").getPost();
        assertThat(validate.getRequestBody().getContent()).containsOnlyKeys("application/yaml");

        // every answer of the secured operations is JSON with a schema, but 204s and the log file itself
        forEachOperation((path, method, op) -> op.getResponses().forEach((code, answer) -> {
            boolean text = "getLogFile".equals(op.getOperationId()) && "200".equals(code);
            if (!OPEN.contains(op.getOperationId()) && !"204".equals(code) && !text) {
                assertThat(answer.getContent()).as(method + " " + path + " " + code).isNotNull();
                assertThat(answer.getContent().get("application/json").getSchema())
                        .as(method + " " + path + " " + code).isNotNull();
            }
        }));
    }

    @Test
    void realAnswersMatchTheSchemasTheDocumentGivesThem() {
        // strict here: an answer field the schema lacks fails too (additionalProperties: false on every object)
        Response added = service.post("/api/flows/add", "{\"path\": \"hello.yml\", \"every_seconds\": 86400}");
        assertMatchesSchema("post", "/api/flows/add", added, 201);
        assertMatchesSchema("get", "/api/flows", service.get("/api/flows"), 200);
        assertMatchesSchema("post", "/api/flows/{id}/pause", service.post("/api/flows/hello/pause", ""), 200);
        assertMatchesSchema("post", "/api/flows/{id}/resume", service.post("/api/flows/hello/resume", ""), 200);
        Response launched = service.post("/api/flows/launch?wait=true", "{\"path\": \"hello.yml\"}");
        assertMatchesSchema("post", "/api/flows/launch", launched, 200);
        assertMatchesSchema("post", "/api/flows/launch", service.post("/api/flows/launch", "{\"path\": \"no.yml\"}"),
                404);
        String id = launched.json().get("execution_id").asText();
        assertMatchesSchema("get", "/api/executions", service.get("/api/executions"), 200);
        assertMatchesSchema("get", "/api/executions/{id}", service.get("/api/executions/" + id), 200);
        assertMatchesSchema("get", "/api/executions", service.get("/api/executions?status=bogus"), 400);
        assertMatchesSchema("get", "/api/executions", service.get("/api/executions?trigger=api"), 200);
        assertMatchesSchema("get", "/api/stats", service.get("/api/stats?minutes=60"), 200);
        assertMatchesSchema("get", "/api/stats", service.get("/api/stats?minutes=0"), 400);
        assertMatchesSchema("delete", "/api/executions", service.delete("/api/executions?older_than_days=999"), 200);
        assertMatchesSchema("get", "/api/locks", service.get("/api/locks"), 200);
        assertMatchesSchema("delete", "/api/locks", service.delete("/api/locks"), 200);
        assertMatchesSchema("get", "/api/logs", service.get("/api/logs"), 200);
        assertMatchesSchema("post", "/api/validate", service.post("/api/validate", "name: x\nsteps: []\n"), 200);
        assertMatchesSchema("get", "/api/flows",
                service.send(HttpRequest.newBuilder(URI.create(service.url("/api/flows")))), 401);

        assertMatchesSchema("get", "/api/v1/jobs", service.get("/api/v1/jobs"), 200);
        assertMatchesSchema("get", "/api/v1/jobs/{job_id}", service.get("/api/v1/jobs/" + id), 200);
        assertMatchesSchema("get", "/api/v1/schedules", service.get("/api/v1/schedules"), 200);
        assertMatchesSchema("delete", "/api/v1/jobs", service.delete("/api/v1/jobs?older_than_days=999"), 200);
        assertMatchesSchema("get", "/api/v1/jobs", service.send(HttpRequest.newBuilder(
                URI.create(service.url("/api/v1/jobs")))), 401);
        assertMatchesSchema("get", "/api/v1/task", service.get("/api/v1/task"), 200);
    }

    /** The answer's status is one the operation declares, and its body validates against that answer's schema. */
    private void assertMatchesSchema(String method, String path, Response response, int status) {
        assertMatchesSchema(json, method, path, response, status);
    }

    /** As above, against {@code json}, the OpenAPI document of a service (for other tests of the API). */
    static void assertMatchesSchema(String json, String method, String path, Response response, int status) {
        String where = method.toUpperCase() + " " + path + " " + response.status() + ": " + response.body();
        assertThat(response.status()).as(where).isEqualTo(status);
        JsonNode doc = readTree(json);
        JsonNode schema = doc.at("/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method
                + "/responses/" + status + "/content/application~1json/schema");
        assertThat(schema.isObject()).as("no JSON schema for " + where).isTrue();
        ObjectNode root = schema.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", closed(doc.get("components").deepCopy()));
        Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(root.toString(), InputFormat.JSON);
        List<com.networknt.schema.Error> errors = validator.validate(response.body(), InputFormat.JSON);
        assertThat(errors).as(where).isEmpty();
    }

    private static JsonNode closed(JsonNode node) {
        if (node.isObject()) {
            if (node.has("properties")) {
                ((ObjectNode) node).put("additionalProperties", false);
            }
            node.forEach(OpenApiDocumentTest::closed);
        } else if (node.isArray()) {
            node.forEach(OpenApiDocumentTest::closed);
        }
        return node;
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    interface OperationCheck {
        void check(String path, PathItem.HttpMethod method, Operation operation);
    }

    private void forEachOperation(OperationCheck check) {
        assertThat(document.getPaths()).isNotEmpty();
        for (Map.Entry<String, PathItem> path : document.getPaths().entrySet()) {
            path.getValue().readOperationsMap().forEach((method, op) -> check.check(path.getKey(), method, op));
        }
    }
}
