package io.octoflow.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spi.CliConnector;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.FlowFixture;
import io.octoflow.support.ServiceFixture;

/**
 * Camel JBang's CLI connector on a real service: the status file {@code camel get route} reads
 * ({@code ~/.camel/<pid>-status.json}) lists the flows' routes, one service per JVM has it, it can be turned off,
 * {@code camel stop} does not leave a service without its Camel context. {@code user.home} is a temporary directory
 * for the class, so the connector's files land there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CamelCliConnectorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HELLO = """
            name: %s
            every_seconds: 3600
            steps:
              - name: greet
                type: set_fact
                set_fact:
                  value: hello
            """;

    @TempDir
    static Path tmp;
    String savedHome;
    Path camelDir;
    final long pid = ProcessHandle.current().pid();

    @BeforeAll
    void home() {
        savedHome = System.getProperty("user.home");
        System.setProperty("user.home", tmp.resolve("home").toString());
        camelDir = tmp.resolve("home/.camel");
    }

    @AfterAll
    void restoreHome() {
        System.setProperty("user.home", savedHome);
    }

    private Path statusFile() {
        return camelDir.resolve(pid + "-status.json");
    }

    /**
     * A service with the connector turned on (it is off by default) whose flows' routes are built at deployment, as
     * `camel get route` then lists every flow.
     */
    private ServiceFixture service(String name, String... flows) {
        ServiceFixture service = new ServiceFixture(tmp.resolve(name)).set("FLOW_ROUTES", "at-deploy")
                .set("CAMEL_CLI_CONNECTOR", "true");
        for (String flow : flows) {
            service.files().flow(flow + ".yml", HELLO.formatted(flow));
        }
        return service;
    }

    private static List<String> flowRoutes(ServiceFixture service) {
        return service.service().camel().getRoutes().stream().map(Route::getRouteId)
                .filter(id -> id.startsWith("flow-")).toList();
    }

    /** The route ids of the status file, once it lists every one of {@code expected}. */
    private List<String> statusRoutes(List<String> expected) {
        JsonNode[] status = new JsonNode[1];
        // the connector rewrites the file every second: a read may catch it half written, so retry on bad JSON
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
            assertThat(statusFile()).exists();
            String text = Files.readString(statusFile());
            assertThat(text).isNotBlank();
            status[0] = JSON.readTree(text);
            assertThat(status[0].path("routes").findValuesAsText("routeId")).containsAll(expected);
        });
        return status[0].path("routes").findValuesAsText("routeId");
    }

    @Test
    void theStatusFileListsTheFlowsRoutesAndOneServicePerJvmHasIt() throws Exception {
        try (ServiceFixture first = service("first", "alpha", "beta").start()) {
            List<String> routes = flowRoutes(first);
            assertThat(routes).contains("flow-alpha.yml", "flow-beta.yml");

            assertThat(statusRoutes(routes)).containsAll(routes);
            assertThat(camelDir.resolve(Long.toString(pid))).exists(); // the file `camel get` finds processes by
            assertThat(first.service().camel().hasService(CliConnector.class)).isNotNull();
            assertThat(Files.getPosixFilePermissions(camelDir))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
            // Camel's route dev console, which `camel get route` shows, answers from the service's context
            DevConsole console = first.service().camel().getCamelContextExtension()
                    .getContextPlugin(DevConsoleRegistry.class).resolveById("route");
            JsonObject answer = (JsonObject) console.call(DevConsole.MediaType.JSON, Map.of());
            assertThat(answer.toJson()).contains("\"flow-alpha.yml\"").contains("\"flow-beta.yml\"");

            // a second service of this JVM runs without one: its stop must not take the first one's files
            try (ServiceFixture second = service("second", "gamma").start()) {
                assertThat(second.service().camel().hasService(CliConnector.class)).isNull();
            }
            assertThat(camelDir.resolve(Long.toString(pid))).exists();
            first.files().flow("delta.yml", HELLO.formatted("delta"));
            assertThat(statusRoutes(List.of("flow-delta.yml"))).contains("flow-alpha.yml", "flow-beta.yml")
                    .doesNotContain("flow-gamma.yml");
        }
        assertThat(statusFile()).doesNotExist();
        assertThat(CamelCliConnector.attached()).isFalse();

        // stopped, it leaves the place to the next service of the JVM
        try (ServiceFixture next = service("next", "epsilon").start()) {
            assertThat(statusRoutes(List.of("flow-epsilon.yml"))).doesNotContain("flow-alpha.yml");
        }
    }

    @Test
    void withRoutesBuiltOnFirstRunTheStatusFileListsAFlowOnceItRan() throws Exception {
        ServiceFixture lazy = new ServiceFixture(tmp.resolve("lazy")).set("CAMEL_CLI_CONNECTOR", "true");
        for (String flow : List.of("theta", "iota")) { // not scheduled: every_seconds would run them at once
            lazy.files().flow(flow + ".yml", HELLO.formatted(flow).replace("every_seconds: 3600\n", ""));
        }
        try (ServiceFixture service = lazy.start()) {
            assertThat(flowRoutes(service)).isEmpty();
            assertThat(service.get("/api/flows").body()).contains("\"theta\"").contains("\"iota\"");
            assertThat(service.post("/api/flows/launch?wait=true", "{\"flow\": \"theta\"}").json()
                    .path("status").asText()).isEqualTo("success");
            assertThat(flowRoutes(service)).containsExactly("flow-theta.yml");
            assertThat(statusRoutes(List.of("flow-theta.yml"))).doesNotContain("flow-iota.yml");
        }
    }

    @Test
    void camelStopDetachesTheConnectorAndTheServiceRunsOn() throws Exception {
        try (ServiceFixture service = service("stop", "zeta").start()) {
            statusRoutes(List.of("flow-zeta.yml"));

            Files.delete(camelDir.resolve(Long.toString(pid))); // what `camel stop <pid>` does

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statusFile()).doesNotExist());
            assertThat(service.service().camel().isStarted()).isTrue();
            assertThat(service.get("/health/live").status()).isEqualTo(200);
            assertThat(service.post("/api/flows/launch?wait=true", "{\"flow\": \"zeta\"}").json()
                    .path("status").asText()).isEqualTo("success");
        }
    }

    @Test
    void itIsOffByDefault() throws Exception {
        ServiceFixture unset = new ServiceFixture(tmp.resolve("default")).set("FLOW_ROUTES", "at-deploy");
        unset.files().flow("theta.yml", HELLO.formatted("theta"));
        try (ServiceFixture service = unset.start()) {
            assertThat(flowRoutes(service)).contains("flow-theta.yml");
            assertThat(service.service().camel().hasService(CliConnector.class)).isNull();
            assertThat(CamelCliConnector.attached()).isFalse();
            assertThat(statusFile()).doesNotExist();
        }
    }

    @Test
    void theSettingTurnsItOff() throws Exception {
        try (ServiceFixture service = service("off", "eta").set("CAMEL_CLI_CONNECTOR", "false").start()) {
            assertThat(flowRoutes(service)).contains("flow-eta.yml");
            assertThat(service.service().camel().hasService(CliConnector.class)).isNull();
            assertThat(CamelCliConnector.attached()).isFalse();
            assertThat(statusFile()).doesNotExist();
        }
    }

    @Test
    void aFlowEngineHasNone() throws IOException {
        try (FlowFixture flows = new FlowFixture(tmp.resolve("engine"))) {
            flows.flow("theta.yml", HELLO.formatted("theta"));
            assertThat(flows.run("theta.yml").status().ok()).isTrue();
            assertThat(flows.engine().camelContext().hasService(CliConnector.class)).isNull();
            assertThat(statusFile()).doesNotExist();
        }
    }
}
