package io.octoflow.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.operations.FlowOperations;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * Flows are identified by path: four files share one name (two in one folder, two in others), as the spooler's
 * real flows do. Each deploys, runs when its path is called, keeps its own lock, history, pause and MBean; the
 * shared name is refused with the paths listed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowIdentityTest {

    private static final String SHARED = "launch template for ticket";
    private static final List<String> PATHS = List.of("a/same.yml", "b/same.yml", "lib/one.yml", "lib/two.yml");

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        for (String path : PATHS) {
            service.files().flow(path, """
                    name: %s
                    steps:
                      - name: who
                        type: set_fact
                        set_fact:
                          value: "%s got {{ __input__ | default('nothing') }}"
                    """.formatted(SHARED, path));
        }
        service.files().flow("parent.yml", """
                name: parent
                steps:
                  - name: item
                    type: jq
                    jq:
                      expression: .item
                      data_key: __input__
                  - name: items
                    type: jq
                    jq:
                      expression: .items
                      data_key: __input__
                  - name: first
                    type: flow
                    flow:
                      path: lib/one.yml
                      data_key: item
                  - name: second
                    type: flow
                    flow:
                      path: lib/two.yml
                      data_key: item
                  - name: other folder
                    type: flow
                    flow:
                      path: b/same.yml
                      data_key: item
                  - name: loop
                    type: flow_loop
                    flow_loop:
                      path: a/same.yml
                      data_key: items
                """);
        service.files().flow("unique.yml", """
                name: unique
                steps:
                  - name: hello
                    type: set_fact
                    set_fact:
                      value: hi
                """);
        // Camel reads {{...}} as a property placeholder: user text in ids must never be resolved
        service.files().flow("odd {{dir}}/x {{y}}.yml", """
                name: "n {{z}}"
                steps:
                  - name: "s {{w}}"
                    type: set_fact
                    result_key: who
                    set_fact:
                      value: braces
                """);
        service.files().flow("braces.yml", """
                name: braces
                steps:
                  - name: "call {{it}}"
                    type: flow
                    result_key: called
                    flow:
                      path: "odd {{dir}}/x {{y}}.yml"
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private static String encoded(String path) {
        return URLEncoder.encode(path, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Response launch(String body) {
        return service.post("/api/flows/launch?wait=true", body);
    }

    @Test
    void everyFileOfASharedNameDeploysAndIsListedByPath() {
        JsonNode flows = service.get("/api/flows").json();
        assertThat(flows.get("invalid_files")).isEmpty();
        List<String> shared = new ArrayList<>();
        flows.get("deployed").forEach(flow -> {
            if (flow.get("name").asText().equals(SHARED)) {
                shared.add(flow.get("path").asText());
            }
        });
        assertThat(shared).containsExactlyInAnyOrderElementsOf(PATHS);
        for (String path : PATHS) {
            // each path its own route, built on the flow's first run (FLOW_ROUTES=on-first-run) or when asked for
            assertThat(service.service().engine().route(service.service().directory().flowAt(path)).getRouteId())
                    .as(path).isEqualTo("flow-" + path);
        }
    }

    @Test
    void aParentRunsTheFileItsStepNamesWhateverTheName() {
        Response r = launch("""
                {"path": "parent.yml", "data": {"item": "x", "items": ["i1", "i2"]}}""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).as(r.body()).isEqualTo("success");
        JsonNode data = r.json().get("data");
        assertThat(data.at("/first/who").asText()).isEqualTo("lib/one.yml got x");
        assertThat(data.at("/second/who").asText()).isEqualTo("lib/two.yml got x");
        assertThat(data.at("/other folder/who").asText()).isEqualTo("b/same.yml got x");
        assertThat(data.at("/loop/0/0/who").asText()).isEqualTo("a/same.yml got i1");
        assertThat(data.at("/loop/1/0/who").asText()).isEqualTo("a/same.yml got i2");
    }

    @Test
    void launchingEachByPathRecordsItsOwnPathInTheHistory() {
        for (String path : PATHS) {
            Response r = launch("{\"path\": \"" + path + "\", \"data\": \"" + path + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("path").asText()).isEqualTo(path);
            assertThat(r.json().at("/data/who").asText()).isEqualTo(path + " got " + path);
            JsonNode run = service.get("/api/executions/" + r.json().get("execution_id").asText()).json();
            assertThat(run.get("path").asText()).isEqualTo(path);
            assertThat(run.get("flow").asText()).isEqualTo(SHARED);
        }
        // ?flow= with a path gives that flow's runs only; with the shared name, the runs of all of them
        for (String path : PATHS) {
            JsonNode runs = service.get("/api/executions?flow=" + encoded(path)).json();
            assertThat(runs).isNotEmpty();
            runs.forEach(run -> assertThat(run.get("path").asText()).isEqualTo(path));
            JsonNode byPath = service.get("/api/executions?path=" + encoded(path)).json();
            assertThat(byPath.size()).isEqualTo(runs.size());
        }
        Set<String> pathsByName = new java.util.HashSet<>();
        service.get("/api/executions?flow=" + encoded(SHARED)).json()
                .forEach(run -> pathsByName.add(run.get("path").asText()));
        assertThat(pathsByName).containsExactlyInAnyOrderElementsOf(PATHS);
    }

    @Test
    void theLockOfOneFileDoesNotBlockAnotherOfTheSameName() {
        FlowOperations operations = service.service().operations();
        assertThat(service.service().locks().take("lib/one.yml", "stuck-run")).isTrue();
        try {
            assertThat(operations.locked("lib/one.yml")).isTrue();
            assertThat(operations.locked("lib/two.yml")).isFalse();
            Response refused = launch("{\"path\": \"lib/one.yml\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("error").asText()).contains("lib/one.yml").contains("locked");
            Response other = launch("{\"path\": \"lib/two.yml\"}");
            assertThat(other.status()).as(other.body()).isEqualTo(200);
            assertThat(other.json().get("status").asText()).isEqualTo("success");

            JsonNode locks = service.get("/api/locks").json();
            assertThat(locks).hasSize(1);
            assertThat(locks.get(0).get("path").asText()).isEqualTo("lib/one.yml");
            assertThat(locks.get(0).get("flow").asText()).isEqualTo(SHARED);
        } finally {
            Response removed = service.delete("/api/locks/" + encoded("lib/one.yml"));
            assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        }
        assertThat(operations.locked("lib/one.yml")).isFalse();
    }

    @Test
    void aSharedNameIsRefusedWithThePathsListed() {
        Response launched = launch("{\"flow\": \"" + SHARED + "\"}");
        assertThat(launched.status()).as(launched.body()).isEqualTo(409);
        assertThat(launched.json().get("error").asText()).contains("ambiguous").contains("lib/one.yml");
        List<String> paths = new ArrayList<>();
        launched.json().get("paths").forEach(p -> paths.add(p.asText()));
        assertThat(paths).containsExactlyElementsOf(PATHS);

        Response paused = service.post("/api/flows/" + encoded(SHARED) + "/pause", "");
        assertThat(paused.status()).as(paused.body()).isEqualTo(409);
        assertThat(paused.json().get("paths")).hasSize(4);

        Response unlocked = service.delete("/api/locks/" + encoded(SHARED));
        assertThat(unlocked.status()).as(unlocked.body()).isEqualTo(409);

        // a name only one flow has still works, and so does a path given as 'flow'
        Response unique = launch("{\"flow\": \"unique\"}");
        assertThat(unique.status()).as(unique.body()).isEqualTo(200);
        assertThat(unique.json().get("path").asText()).isEqualTo("unique.yml");
        Response byPath = launch("{\"flow\": \"lib/two.yml\"}");
        assertThat(byPath.status()).as(byPath.body()).isEqualTo(200);
        assertThat(byPath.json().at("/data/who").asText()).startsWith("lib/two.yml");
    }

    @Test
    void pausingOneFileByPathLeavesTheOthersOfItsName() {
        Response paused = service.post("/api/flows/" + encoded("a/same.yml") + "/pause", "");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("path").asText()).isEqualTo("a/same.yml");
        try {
            assertThat(service.service().scheduler().isPaused("a/same.yml")).isTrue();
            assertThat(service.service().scheduler().isPaused("b/same.yml")).isFalse();
            assertThat(service.service().paused().pausedFlows()).contains("a/same.yml").doesNotContain("b/same.yml");
        } finally {
            Response resumed = service.post("/api/flows/" + encoded("a/same.yml") + "/resume", "");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        }
    }

    @Test
    void placeholderBracesInPathsNamesAndStepsAreNeverResolved() {
        assertThat(service.get("/api/flows").json().get("invalid_files")).isEmpty();
        Response parent = launch("{\"path\": \"braces.yml\"}");
        assertThat(parent.status()).as(parent.body()).isEqualTo(200);
        assertThat(parent.json().get("status").asText()).as(parent.body()).isEqualTo("success");
        assertThat(parent.json().at("/data/called/who").asText()).isEqualTo("braces");
        Response direct = launch("{\"path\": \"odd {{dir}}/x {{y}}.yml\"}");
        assertThat(direct.status()).as(direct.body()).isEqualTo(200);
        assertThat(direct.json().get("flow").asText()).isEqualTo("n {{z}}");
        String routeId = service.service().directory().flowAt("odd {{dir}}/x {{y}}.yml").routeId();
        assertThat(routeId).doesNotContain("{{").startsWith("flow-odd___dir__/x___y__.yml-");
        assertThat(service.service().camel().getRoute(routeId)).isNotNull();
    }

    @Test
    void eachFileHasItsOwnMBeanAndMetricsSeries() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> beans = jmx.queryNames(new ObjectName("io.octoflow:type=Flow,name=\"" + SHARED + "\",*"),
                null);
        List<String> paths = new ArrayList<>();
        for (ObjectName bean : beans) {
            paths.add((String) jmx.getAttribute(bean, "Path"));
            assertThat(jmx.getAttribute(bean, "Name")).isEqualTo(SHARED);
        }
        assertThat(paths).containsExactlyInAnyOrderElementsOf(PATHS);

        assertThat(launch("{\"path\": \"a/same.yml\"}").status()).isEqualTo(200);
        assertThat(launch("{\"path\": \"b/same.yml\"}").status()).isEqualTo(200);
        String scrape = service.get("/metrics").body();
        for (String path : List.of("a/same.yml", "b/same.yml")) {
            assertThat(scrape).contains("octoflow_flow_executions_total{flow=\"" + SHARED + "\",path=\"" + path
                    + "\",status=\"success\"}");
        }
    }
}
