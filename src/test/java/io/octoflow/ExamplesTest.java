package io.octoflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.route.OctoflowCamelContext;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * The shipped examples: every flow under routes/ validates, and runs to success (or exit) on a copy of data/,
 * with its final data checked. rest_tickets.yml talks to a real local HTTP server serving data/samples.
 */
class ExamplesTest {

    static final Path ROUTES = Path.of("routes").toAbsolutePath().normalize();
    static final Path TEMPLATES = Path.of("templates").toAbsolutePath().normalize();
    static final Path DATA = Path.of("data").toAbsolutePath().normalize();
    static final Path SAMPLES = DATA.resolve("samples");

    static final Map<String, Object> TICKET = Map.of("id", "T-9", "title", "Check the backups", "priority", "high");

    @TempDir
    Path tmp;

    Path data;
    HttpServer server;
    String baseUrl;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final List<String> jobIdHeaders = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws IOException {
        data = tmp.resolve("data");
        copyTree(DATA, data);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            String executionId = exchange.getRequestHeaders().getFirst("X-Job-Id");
            if (executionId != null) {
                jobIdHeaders.add(executionId);
            }
            Path file = SAMPLES.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body;
            if (file.startsWith(SAMPLES) && Files.isRegularFile(file)) {
                body = Files.readAllBytes(file);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
            } else {
                body = "not found".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(404, body.length);
            }
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private OctoflowConfig config() {
        return OctoflowConfig.from(Map.of(
                "DATA_PATH", data.toString(),
                "FLOWS_PATH", ROUTES.toString(),
                "TEMPLATES_PATH", TEMPLATES.toString(),
                "SECRETS_PATH", tmp.resolve("no-secrets.yml").toString()));
    }

    static Stream<Path> exampleFlows() throws IOException {
        List<Path> files = FlowCatalog.flowFilesUnder(ROUTES);
        assertThat(files).as("example flows under %s", ROUTES).isNotEmpty();
        return files.stream();
    }

    static String relative(Path file) {
        return ROUTES.relativize(file).toString().replace('\\', '/');
    }

    // --- validation ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFlows")
    void exampleValidates(Path file) {
        FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new Templates(TEMPLATES), ROUTES, TEMPLATES);
        List<Problem> problems = catalog.validate(file);
        assertThat(problems).as(FlowCatalog.describe(problems)).isEmpty();
        assertThat(catalog.require(file).steps()).isNotEmpty();
    }

    @Test
    void allExamplesAreFound() throws IOException {
        assertThat(exampleFlows().map(ExamplesTest::relative).toList())
                .contains("control_flow.yml", "rest_tickets.yml", "ticket_loop.yml", "lib/summarize_ticket.yml");
    }

    // --- runs ---

    /** The input an example needs: rest_tickets gets the local server, the sub-flow gets a ticket. */
    private Object inputFor(String example) {
        return switch (example) {
            case "rest_tickets.yml" -> Map.of("base_url", baseUrl);
            case "lib/summarize_ticket.yml" -> TICKET;
            default -> null;
        };
    }

    /** Runs an example the way a launch does: the input is the flow's __input__ only. */
    private RunResult run(String example, Object input) {
        try (FlowEngine engine = new FlowEngine(config(), new OctoflowCamelContext(), new KubernetesAccess(config()))) {
            FlowDefinition flow = engine.load(ROUTES.resolve(example));
            RunResult result = engine.run(flow, input, Map.of());
            assertThat(result.flowName()).isEqualTo(flow.name());
            return result;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFlows")
    void exampleRunsToSuccessOrExit(Path file) {
        String example = relative(file);
        RunResult result = run(example, inputFor(example));
        assertThat(result.status()).as("%s: %s", example, result.error()).isIn(RunStatus.SUCCESS, RunStatus.EXIT);
        if (result.status() == RunStatus.SUCCESS) {
            assertThat(result.error()).isNull();
        } else {
            assertThat(result.error()).startsWith("Flow exited");
        }
        assertThat(result.steps()).isNotEmpty().noneMatch(s -> "failed".equals(s.status()));
        BiConsumer<ExamplesTest, RunResult> check = CHECKS.get(example);
        if (check != null) {
            check.accept(this, result);
        }
    }

    @Test
    void everyCheckedExampleExists() {
        CHECKS.keySet().forEach(example -> assertThat(ROUTES.resolve(example)).isRegularFile());
    }

    // --- what each example computes ---

    static final Map<String, BiConsumer<ExamplesTest, RunResult>> CHECKS = Map.ofEntries(
            Map.entry("control_flow.yml", ExamplesTest::checkControlFlow),
            Map.entry("file_copy.yml", ExamplesTest::checkFileCopy),
            Map.entry("heartbeat.yml", ExamplesTest::checkHeartbeat),
            Map.entry("jinja_report.yml", ExamplesTest::checkJinjaReport),
            Map.entry("jira_fields.yml", ExamplesTest::checkJiraFields),
            Map.entry("jq_transform.yml", ExamplesTest::checkJqTransform),
            Map.entry("rest_tickets.yml", ExamplesTest::checkRestTickets),
            Map.entry("sql_tickets.yml", ExamplesTest::checkSqlTickets),
            Map.entry("sub_flow.yml", ExamplesTest::checkSubFlow),
            Map.entry("ticket_loop.yml", ExamplesTest::checkTicketLoop),
            Map.entry("lib/summarize_ticket.yml", ExamplesTest::checkSummarizeTicket));

    void checkControlFlow(RunResult result) {
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(result.data().get("counter")).isEqualTo("3");
        assertThat(result.data()).containsEntry("wrap up", "done after 3 rounds")
                .containsEntry("priority", "normal")
                .containsEntry("action", "queue it (normal)");
        // the goto loop ran counter three times; the finally step ran once, last
        assertThat(result.steps().stream().filter(s -> s.step().equals("counter")).count()).isEqualTo(3);
        assertThat(result.steps().get(result.steps().size() - 1).step()).isEqualTo("wrap up");
    }

    @Test
    void controlFlowWithHighPriorityEscalates() {
        RunResult result = run("control_flow.yml", Map.of("priority", "high"));
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(result.data()).containsEntry("action", "page the on-call")
                .containsEntry("wrap up", "done after 3 rounds");
    }

    @Test
    void controlFlowStopExitsWithoutTheFinallyStep() {
        RunResult result = run("control_flow.yml", Map.of("priority", "stop"));
        assertThat(result.status()).isEqualTo(RunStatus.EXIT);
        assertThat(result.error()).isEqualTo("Flow exited with message: stopped on request");
        assertThat(result.data()).doesNotContainKey("stop here")
                .doesNotContainKey("wrap up")
                .doesNotContainKey("action");
    }

    /** The heartbeat file the service rewrites every 10 s holds the real counts of data/samples/tickets.json. */
    @SuppressWarnings("unchecked")
    void checkHeartbeat(RunResult result) {
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        Map<String, Object> counts = Map.of("high", 2, "low", 1, "medium", 1);
        Map<String, Object> beat = (Map<String, Object>) result.data().get("beat");
        assertThat(beat).containsEntry("counts", counts).containsEntry("job", result.executionId());
        assertThat((String) beat.get("at")).matches("\\d{14}");
        try {
            Map<String, Object> written = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(data.resolve("output/heartbeat.json").toFile(), Map.class);
            assertThat(written).isEqualTo(beat);
        } catch (IOException e) {
            throw new AssertionError("output/heartbeat.json is not the JSON of the beat", e);
        }
    }

    @SuppressWarnings("unchecked")
    void checkFileCopy(RunResult result) {
        List<Map<String, Object>> tickets = (List<Map<String, Object>>) result.data().get("tickets");
        assertThat(tickets).extracting(t -> t.get("id")).containsExactly("T-1", "T-2", "T-3", "T-4");
        assertThat(result.data().get("write tickets")).isEqualTo(Map.of());
        Path file;
        try (var files = Files.list(data.resolve("output"))) {
            file = files.filter(f -> f.getFileName().toString().matches("tickets_\\d{14}\\.yml")).findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(file).isRegularFile();
        try {
            List<Map<String, Object>> reread = new YAMLMapper().readValue(file.toFile(), List.class);
            assertThat(reread).isEqualTo(tickets);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // the append step failed on a missing data_key and was ignored
        List<Map<String, Object>> errors = (List<Map<String, Object>>) result.data().get("__errors__");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("step", "log run");
            assertThat((String) e.get("error")).contains("run_entry");
        });
        assertThat(data.resolve("output/file_copy.log.jsonl")).doesNotExist();
    }

    @SuppressWarnings("unchecked")
    void checkJinjaReport(RunResult result) {
        String report = (String) result.data().get("report");
        assertThat(report).contains("Ticket report")
                .containsSubsequence("- [HIGH] T-1: Printer on fire", "- [LOW] T-2: Password reset",
                        "- [HIGH] T-3: VPN drops every hour", "- [MEDIUM] T-4: New laptop");
        assertThat((Map<String, Object>) result.data().get("first payload"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("summary", "Printer on fire", "ticket", "T-1", "urgent", true));
        assertThat(result.data()).containsEntry("save report", Map.of());
        try {
            assertThat(Files.readString(data.resolve("output/ticket_report.txt"))).isEqualTo(report);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    void checkJiraFields(RunResult result) {
        List<Map<String, Object>> tickets = (List<Map<String, Object>>) result.data().get("tickets");
        assertThat(tickets).hasSize(2);
        Map<String, Object> first = (Map<String, Object>) tickets.get(0).get("fields");
        Map<String, Object> second = (Map<String, Object>) tickets.get(1).get("fields");
        // custom field ids become snake_case names; null and [] fields are dropped ("" is kept)
        assertThat(first).containsKeys("summary", "story_points", "team").doesNotContainKey("Story Points")
                .containsEntry("story_points", 5).containsEntry("team", "Team Blue");
        assertThat(second).containsKeys("summary", "story_points", "due_date", "labels")
                .containsEntry("due_date", "2026-12-01").containsEntry("labels", List.of("infra"));
        List<Map<String, Object>> points = (List<Map<String, Object>>) result.data().get("points");
        assertThat(points).extracting(p -> p.get("key")).containsExactly("OPS-1", "OPS-2");
        assertThat(points).extracting(p -> p.get("points")).containsExactly(5, 8);
        assertThat(points).extracting(p -> p.get("team")).containsExactly("Team Blue", "");
    }

    @SuppressWarnings("unchecked")
    void checkJqTransform(RunResult result) {
        List<Map<String, Object>> urgent = (List<Map<String, Object>>) result.data().get("urgent");
        assertThat(urgent).containsExactly(Map.of("id", "T-1", "title", "Printer on fire"),
                Map.of("id", "T-3", "title", "VPN drops every hour"));
        assertThat((Map<String, Object>) result.data().get("by_owner"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("ada", 2, "bob", 1, "cy", 1));
        Map<String, Object> headline = (Map<String, Object>) result.data().get("headline");
        assertThat((String) headline.get("text")).matches("2 urgent ticket\\(s\\) at \\d{14}");
        assertThat(headline.get("ids")).isEqualTo(List.of("T-1", "T-3"));
        assertThat(result.data().get("every title"))
                .isEqualTo(List.of("Printer on fire", "Password reset", "VPN drops every hour", "New laptop"));
    }

    @SuppressWarnings("unchecked")
    void checkRestTickets(RunResult result) {
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        List<Map<String, Object>> tickets = (List<Map<String, Object>>) result.data().get("tickets");
        assertThat(tickets).extracting(t -> t.get("id")).containsExactly("T-1", "T-2");
        assertThat(tickets).allSatisfy(t -> assertThat(t).containsEntry("status", "new"));
        List<Map<String, Object>> errors = (List<Map<String, Object>>) result.data().get("__errors__");
        assertThat(errors).singleElement().satisfies(e -> {
            // the spooler's entry for an HTTP error, matched by Octoflow's own message "HTTP status 404 ..."
            assertThat(e).containsEntry("step", "optional endpoint")
                    .containsEntry("ignored", "Error ignored based on regex: HTTP status 404");
            assertThat((Map<String, Object>) e.get("error")).containsEntry("status_code", 404)
                    .containsKey("response_content");
        });
        assertThat(result.data()).doesNotContainKey("exit when empty");
        // the server saw the templated uri and the literal query
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).matches("GET /tickets.json\\?requested_at=\\d{14}&status=new");
        assertThat(requests.get(1)).isEqualTo("GET /does-not-exist.json");
    }

    @Test
    void restTicketsExitsWhenTheServerHasNoNewTickets() throws IOException {
        // same flow, a server whose tickets are all closed: the exit step ends the run
        Path samples = tmp.resolve("closed");
        Files.createDirectories(samples);
        Files.writeString(samples.resolve("tickets.json"), "{\"result\": [{\"id\": \"T-1\", \"status\": \"closed\"}]}");
        HttpServer closed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        closed.createContext("/", exchange -> {
            Path file = samples.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean found = file.startsWith(samples) && Files.isRegularFile(file);
            byte[] body = found ? Files.readAllBytes(file) : new byte[0];
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(found ? 200 : 404, found ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        closed.start();
        try {
            String url = "http://127.0.0.1:" + closed.getAddress().getPort();
            RunResult result = run("rest_tickets.yml", Map.of("base_url", url));
            assertThat(result.status()).as(result.error()).isEqualTo(RunStatus.EXIT);
            assertThat(result.data()).containsEntry("tickets", List.of()).doesNotContainKey("exit when empty");
            assertThat(result.error()).isEqualTo("Flow exited with message: No new tickets");
        } finally {
            closed.stop(0);
        }
    }

    void checkSqlTickets(RunResult result) {
        assertThat(result.data().get("load tickets")).isEqualTo(Map.of("updated", 4));
        assertThat(result.data().get("tickets")).isEqualTo(List.of(Map.of("id", "T-1", "title", "Printer on fire"),
                Map.of("id", "T-3", "title", "VPN drops every hour")));
        assertThat(result.data().get("by owner")).isEqualTo(List.of(Map.of("owner", "ada", "tickets", 2),
                Map.of("owner", "bob", "tickets", 1), Map.of("owner", "cy", "tickets", 1)));
    }

    @Test
    void sqlTicketsRunsAgainWithAnotherPriorityAndAQuoteInIt() {
        assertThat(run("sql_tickets.yml", Map.of("priority", "low")).data().get("tickets"))
                .isEqualTo(List.of(Map.of("id", "T-2", "title", "Password reset")));
        // a second run on the same database: the table is refilled, not doubled; a quote is only a value
        RunResult again = run("sql_tickets.yml", Map.of("priority", "x' OR '1'='1"));
        assertThat(again.status()).as(again.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(again.data().get("tickets")).isEqualTo(List.of());
        assertThat(again.data().get("load tickets")).isEqualTo(Map.of("updated", 4));
    }

    @SuppressWarnings("unchecked")
    void checkSubFlow(RunResult result) {
        assertThat((Map<String, Object>) result.data().get("summarize first")).containsExactlyInAnyOrderEntriesOf(
                Map.of("ticket", "T-1", "line", "-. Printer on fire", "urgent", true));
    }

    void checkTicketLoop(RunResult result) {
        assertThat(result.data().get("summaries")).isEqualTo(List.of(
                "1. Printer on fire", "2. Password reset", "3. VPN drops every hour", "4. New laptop"));
    }

    @SuppressWarnings("unchecked")
    void checkSummarizeTicket(RunResult result) {
        assertThat((Map<String, Object>) result.data().get("summary")).containsExactlyInAnyOrderEntriesOf(
                Map.of("ticket", "T-9", "line", "-. Check the backups", "urgent", true));
    }

    @Test
    void summarizeTicketWithALowPriorityTicketIsNotUrgent() {
        RunResult result = run("lib/summarize_ticket.yml", Map.of("id", "T-7", "title", "Paper jam", "priority", "low"));
        assertThat(result.status()).isEqualTo(RunStatus.SUCCESS);
        assertThat(result.data().get("summary")).isEqualTo(
                Map.of("ticket", "T-7", "line", "-. Paper jam", "urgent", false));
    }

}
