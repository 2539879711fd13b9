package io.octoflow.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.KubernetesMock;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;
import io.octoflow.support.TestHttpServer;

/**
 * KUBERNETES_WATCH=true on a real started service, against fabric8's mock API server in CRUD mode (our CRDs from
 * k8s/crds created in it, so that it serves their status subresource): Flow resources run like files and report
 * their status; Loop resources POST their WarpScript with the imported secrets to a real HTTP server, count their
 * runs in /metrics and report their status. The examples of k8s/examples are the resources applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NS = KubernetesMock.NAMESPACE;
    private static final String METRICS_TOKEN = "scrape-token-k8s";
    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    KubernetesMock kubernetes;
    ServiceFixture service;
    TestHttpServer warp10;

    @BeforeAll
    void start() throws Exception {
        warp10 = TestHttpServer.start();
        warp10.respond("/exec", 200, "application/json", "[]");
        warp10.respond("/exec2", 200, "application/json", "[]");
        warp10.respond("/broken", 500, "text/plain", "boom");
        kubernetes = new KubernetesMock();
        for (String crd : List.of("flows.octoflow.io.yaml", "loops.clever-telemetry.io.yaml")) {
            try (InputStream in = Files.newInputStream(K8S.resolve("crds").resolve(crd))) {
                CustomResourceDefinition definition = kubernetes.client().getKubernetesSerialization()
                        .unmarshal(in, CustomResourceDefinition.class);
                kubernetes.client().apiextensions().v1().customResourceDefinitions().resource(definition).create();
            }
        }
        service = new ServiceFixture(root).set("KUBECONFIG", kubernetes.kubeconfig(root).toString())
                .set("KUBERNETES_WATCH", "true").set("METRICS_TOKEN", METRICS_TOKEN).start();
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
        kubernetes.close();
        warp10.close();
    }

    // ---- Flow resources

    @Test
    void aFlowResourceRunsLikeAFileAndReportsItsStatus() throws Exception {
        GenericKubernetesResource flow = (GenericKubernetesResource) example("flow-resource.yaml").get(0);
        String name = flow.getMetadata().getName();
        resources(CustomResources.FLOW).resource(flow).create();

        // every_seconds fires right after the flow is deployed: the status shows the run
        await().atMost(WAIT).until(() -> "success".equals(status(CustomResources.FLOW, name)
                .at("/lastExecution/status").asText(null)));
        JsonNode status = status(CustomResources.FLOW, name);
        assertThat(status.get("valid").asBoolean()).isTrue();
        assertThat(status.get("flow").asText()).isEqualTo("k8s greeting");
        assertThat(status.path("problems").isMissingNode() || status.get("problems").isNull()).isTrue();
        assertThat(status.at("/lastExecution/id").asText()).isNotBlank();
        assertThat(status.at("/lastExecution/ended").asText()).isNotBlank();
        assertThat(status.get("lastSuccess").asText()).isNotBlank();
        assertThat(service.get("/api/executions?flow=k8s%20greeting").json().at("/0/status").asText())
                .isEqualTo("success");

        // launched over the API by its flow name; the status follows the run
        Response launch = service.post("/api/flows/launch?wait=true", "{\"flow\": \"k8s greeting\"}");
        assertThat(launch.status()).isEqualTo(200);
        assertThat(launch.json().at("/data/shout").asText()).isEqualTo("HELLO FROM A FLOW RESOURCE");
        String launched = launch.json().get("execution_id").asText();
        await().atMost(WAIT).until(() -> launched.equals(status(CustomResources.FLOW, name)
                .at("/lastExecution/id").asText()));
    }

    @Test
    void aChangedFlowRunsItsNewVersionABrokenOneIsReportedAndADeletedOneIsGone() throws Exception {
        String name = "changing";
        resources(CustomResources.FLOW).resource(flowResource(name, greeting("changing", "v1"))).create();
        await().atMost(WAIT).until(() -> "v1".equals(greetingOf(name)));
        await().atMost(WAIT).until(() -> status(CustomResources.FLOW, name).path("valid").asBoolean(false));

        replaceSpec(CustomResources.FLOW, name, greeting("changing", "v2"));
        await().atMost(WAIT).until(() -> "v2".equals(greetingOf(name)));

        Map<String, Object> broken = greeting("changing", "v3");
        step(broken).put("type", "bogus"); // no step type (an unknown key would only be a warning)
        try (LogCapture log = new LogCapture("io.octoflow.service.FlowDirectory")) {
            replaceSpec(CustomResources.FLOW, name, broken);
            await().atMost(WAIT).until(() -> !status(CustomResources.FLOW, name).path("valid").asBoolean(true));
            assertThat(log.text()).contains("kubernetes/flows/" + name + ".yml:", "previous version keeps running");
        }
        JsonNode problem = status(CustomResources.FLOW, name).at("/problems/0");
        assertThat(problem.asText()).matches("line \\d+, column \\d+: .*").contains("bogus");
        assertThat(greetingOf(name)).isEqualTo("v2"); // the previous version keeps running

        resources(CustomResources.FLOW).withName(name).delete();
        await().atMost(WAIT).until(() -> service.post("/api/flows/launch",
                "{\"flow\": \"" + name + "\"}").status() == 404);
        assertThat(Files.exists(service.files().data().resolve("kubernetes/flows/" + name + ".yml"))).isFalse();
        assertThat(service.service().camel().getRoute("flow-" + FlowDefinition.camelId(service.files().data()
                .resolve("kubernetes/flows/" + name + ".yml").toAbsolutePath().normalize().toString()))).isNull();
    }

    // ---- Loop resources

    @Test
    void aLoopPostsItsScriptWithTheImportedSecretsFirstAndTheLaterSecretWins() throws Exception {
        List<HasMetadata> example = example("loop-resource.yaml");
        for (HasMetadata item : example) {
            if (item instanceof Secret secret) {
                createSecret(secret);
            }
        }
        GenericKubernetesResource loop = (GenericKubernetesResource) example.get(2);
        String name = loop.getMetadata().getName();
        String script = (String) CustomResources.spec(loop).get("script");
        CustomResources.spec(loop).put("endpoint", warp10.url("/exec"));
        CustomResources.spec(loop).put("every", "1s");

        try (LogCapture runner = new LogCapture(LoopRunner.class.getName());
                LogCapture runs = new LogCapture(LoopExecution.class.getName())) {
            resources(CustomResources.LOOP).resource(loop).create();
            await().atMost(WAIT).until(() -> !warp10.requests("/exec").isEmpty());
            String body = warp10.requests("/exec").get(0).body();
            assertThat(warp10.requests("/exec").get(0).method()).isEqualTo("POST");
            assertThat(body).endsWith(script);
            String variables = body.substring(0, body.length() - script.length());
            assertThat(variables.lines()).allMatch(line -> line.matches("'[^']*' '[^']*' STORE"));
            assertThat(variables).contains("'read-token-from-warp10-write' 'readToken' STORE\n",
                    "'write-token-from-warp10-write' 'writeToken' STORE\n", "'" + name + "' 'LOOP_NAME' STORE\n");
            assertThat(variables).doesNotContain("read-token-from-warp10-read"); // overridden by the later secret

            await().atMost(WAIT).until(() -> status(CustomResources.LOOP, name).path("lastExecutionSuccess")
                    .asBoolean(false));
            JsonNode status = status(CustomResources.LOOP, name);
            assertThat(status.get("deployed").asBoolean()).isTrue();
            assertThat(status.get("lastExecution").asText()).isNotBlank();
            assertThat(status.toString()).doesNotContain("token-from");

            // secrets are read at each run: a rotation applies to the next POST
            Secret rotated = kubernetes.client().secrets().withName("warp10-write").get();
            rotated.getData().put("writeToken", base64("rotated-write-token"));
            kubernetes.client().secrets().resource(rotated).update();
            await().atMost(WAIT).until(() -> warp10.lastRequest().body().contains(
                    "'rotated-write-token' 'writeToken' STORE"));

            String series = "{loop=\"" + name + "\",namespace=\"" + NS + "\"";
            await().atMost(WAIT).until(() -> scrape().contains("miniloops_runner_execution_count" + series + "}"));
            String scrape = scrape();
            assertThat(value(scrape, "miniloops_runner_execution_count" + series + "}")).isGreaterThanOrEqualTo(1);
            assertThat(value(scrape, "miniloops_runner_execution_error_count" + series + "}")).isZero();
            assertThat(scrape).contains("miniloops_runner_execution_duration" + series + ",unit=\"ms\"}");

            // each POST is a run of the launch path: a history row with trigger loop, the flow metrics, a lock
            String loopId = "loop:" + NS + "/" + name;
            List<Execution> history = service.service().store().list(ExecutionQuery.ofPath(loopId, null, 100));
            assertThat(history).isNotEmpty().allSatisfy(run -> {
                assertThat(run.trigger()).isEqualTo("loop");
                assertThat(run.flowName()).isEqualTo(name);
            });
            assertThat(history).anySatisfy(run -> assertThat(run.status()).isEqualTo("success"));
            assertThat(scrape.lines().filter(line -> line.startsWith("octoflow_flow_executions_total{")
                    && line.contains("path=\"" + loopId + "\"") && line.contains("status=\"success\""))).hasSize(1);
            // registered with the Loop, at 0: a Loop never ends with 'exit', yet the series is there
            assertThat(value(scrape, "octoflow_flow_executions_total{flow=\"" + name + "\",path=\"" + loopId
                    + "\",status=\"exit\"}")).isZero();

            // changed: the next runs use the new endpoint and script
            Map<String, Object> changed = new LinkedHashMap<>(CustomResources.spec(loop));
            changed.put("endpoint", warp10.url("/exec2"));
            changed.put("script", "'changed' 'x' STORE");
            replaceSpec(CustomResources.LOOP, name, changed);
            await().atMost(WAIT).until(() -> !warp10.requests("/exec2").isEmpty());
            assertThat(warp10.requests("/exec2").get(0).body()).endsWith("\n'changed' 'x' STORE");

            // deleted: no more POSTs, no more series
            resources(CustomResources.LOOP).withName(name).delete();
            String routeId = "loop-" + NS + "-" + name;
            await().atMost(WAIT).until(() -> service.service().camel().getRoute(routeId) == null);
            int posts = warp10.requests("/exec2").size();
            await().during(Duration.ofMillis(2500)).atMost(WAIT)
                    .until(() -> warp10.requests("/exec2").size() == posts);
            assertThat(scrape()).doesNotContain("loop=\"" + name + "\"", "path=\"" + loopId + "\"");
            assertThat(service.service().locks().isHeld(loopId)).as("the last run released its lock").isFalse();

            String logs = runner.text() + runs.text();
            assertThat(logs).contains("Loop " + NS + "/" + name);
            assertThat(logs).doesNotContain("token-from", "rotated-write-token");
        }
    }

    @Test
    void aFailingEndpointCountsAnErrorAndAnInvalidLoopIsReportedWhileOthersRun() throws Exception {
        createSecret(secret("broken-secret", Map.of("password", "s3cret'value%")));
        try (LogCapture runner = new LogCapture(LoopRunner.class.getName());
                LogCapture runs = new LogCapture(LoopExecution.class.getName())) {
            resources(CustomResources.LOOP).resource(loop("failing", warp10.url("/broken"), "1s", "broken-secret"))
                    .create();
            await().atMost(WAIT).until(() -> !warp10.requests("/broken").isEmpty());
            // quote and percent sign percent-encoded: the literal cannot end early
            assertThat(warp10.requests("/broken").get(0).body()).contains("'s3cret%27value%25' 'password' STORE\n");
            await().atMost(WAIT).until(() -> status(CustomResources.LOOP, "failing").has("lastExecutionSuccess"));
            JsonNode status = status(CustomResources.LOOP, "failing");
            assertThat(status.get("lastExecutionSuccess").asBoolean()).isFalse();
            assertThat(status.get("lastError").asText()).contains("HTTP 500");
            String series = "{loop=\"failing\",namespace=\"" + NS + "\"}";
            await().atMost(WAIT).until(() -> scrape().contains("miniloops_runner_execution_error_count" + series));
            assertThat(value(scrape(), "miniloops_runner_execution_error_count" + series)).isGreaterThanOrEqualTo(1);
            assertThat(service.service().store().list(ExecutionQuery.ofPath("loop:" + NS + "/failing", "failed", 10)))
                    .isNotEmpty().allSatisfy(run -> assertThat(run.error()).contains("HTTP 500"));

            // invalid: reported by field in the status and the log; the failing loop goes on
            resources(CustomResources.LOOP).resource(loop("invalid", null, "5x", null)).create();
            await().atMost(WAIT).until(() -> status(CustomResources.LOOP, "invalid").has("problems"));
            JsonNode invalid = status(CustomResources.LOOP, "invalid");
            assertThat(invalid.get("deployed").asBoolean()).isFalse();
            assertThat(invalid.get("problems").toString()).contains("spec.every", "'5x'", "spec.endpoint");
            assertThat(runner.text()).contains("Loop " + NS + "/invalid: spec.every:",
                    "Loop " + NS + "/invalid: spec.endpoint:");
            int before = warp10.requests("/broken").size();
            await().atMost(WAIT).until(() -> warp10.requests("/broken").size() > before);
            assertThat(service.service().camel().getRoute("loop-" + NS + "-invalid")).isNull();

            String logs = runner.text() + runs.text();
            assertThat(logs).contains("Loop " + NS + "/failing: execution failed");
            assertThat(logs + status).doesNotContain("s3cret");
        } finally {
            resources(CustomResources.LOOP).withName("failing").delete();
            resources(CustomResources.LOOP).withName("invalid").delete();
        }
    }

    // ---- helpers

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> resources(
            ResourceDefinitionContext kind) {
        return kubernetes.client().genericKubernetesResources(kind).inNamespace(NS);
    }

    private List<HasMetadata> example(String file) throws Exception {
        try (InputStream in = Files.newInputStream(K8S.resolve("examples").resolve(file))) {
            List<HasMetadata> items = kubernetes.client().load(in).items();
            items.forEach(item -> item.getMetadata().setNamespace(NS));
            return items;
        }
    }

    /** What the API server does with stringData, which the mock server does not. */
    private void createSecret(Secret secret) {
        Map<String, String> data = new LinkedHashMap<>(secret.getData() == null ? Map.of() : secret.getData());
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> data.put(k, base64(v)));
        }
        secret.setData(data);
        secret.setStringData(null);
        secret.getMetadata().setNamespace(NS);
        kubernetes.client().secrets().resource(secret).create();
    }

    private static Secret secret(String name, Map<String, String> values) {
        Secret secret = new Secret();
        secret.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        secret.setStringData(values);
        return secret;
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static GenericKubernetesResource loop(String name, String endpoint, String every, String secret) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (endpoint != null) {
            spec.put("endpoint", endpoint);
        }
        spec.put("every", every);
        spec.put("script", "$password DROP");
        if (secret != null) {
            spec.put("imports", List.of(Map.of("secret", Map.of("name", secret))));
        }
        return resource("clever-telemetry.io/v1", "Loop", name, spec);
    }

    private static GenericKubernetesResource flowResource(String name, Map<String, Object> spec) {
        return resource("octoflow.io/v1", "Flow", name, spec);
    }

    private static GenericKubernetesResource resource(String apiVersion, String kind, String name,
            Map<String, Object> spec) {
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(apiVersion);
        resource.setKind(kind);
        resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(NS)
                .build());
        resource.setAdditionalProperty("spec", spec);
        return resource;
    }

    /** A JSON patch without resourceVersion: Octoflow's status writes may not make the user's edit conflict. */
    private void replaceSpec(ResourceDefinitionContext kind, String name, Map<String, Object> spec) {
        String patch = JSON.createArrayNode().add(JSON.createObjectNode().put("op", "replace").put("path", "/spec")
                .set("value", JSON.valueToTree(spec))).toString();
        resources(kind).withName(name).patch(PatchContext.of(PatchType.JSON), patch);
    }

    private static Map<String, Object> greeting(String name, String value) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("name", "greet");
        step.put("type", "set_fact");
        step.put("set_fact", new LinkedHashMap<>(Map.of("value", value)));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", name);
        spec.put("steps", new ArrayList<>(List.of(step)));
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> spec) {
        return ((List<Map<String, Object>>) spec.get("steps")).get(0);
    }

    /** The greeting of the flow resource {@code resourceName} (whose flow has the same name), or null. */
    private String greetingOf(String resourceName) {
        Response answer = service.post("/api/flows/launch?wait=true", "{\"flow\": \"" + resourceName + "\"}");
        return answer.status() == 200 ? answer.json().at("/data/greet").asText(null) : null;
    }

    private JsonNode status(ResourceDefinitionContext kind, String name) {
        GenericKubernetesResource resource = resources(kind).withName(name).get();
        Object status = resource == null ? null : resource.getAdditionalProperties().get("status");
        return status == null ? JSON.createObjectNode() : JSON.valueToTree(status);
    }

    private String scrape() {
        return service.send(service.request("/metrics").setHeader("Authorization", "Bearer " + METRICS_TOKEN)).body();
    }

    private static double value(String scrape, String series) {
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("series " + series + " not in\n" + scrape);
    }
}
