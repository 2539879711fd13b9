package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.flow.FlowCatalog;

import picocli.CommandLine;

/**
 * The command line, run in-process: exit codes, what goes to stdout (problems, the final data as JSON) and what
 * goes to stderr. Configuration comes from JVM system properties, set per test and restored afterwards.
 */
class CliTest {

    static final List<String> SETTINGS = List.of("DATA_PATH", "FLOWS_PATH", "TEMPLATES_PATH", "SECRETS_PATH",
            "DATASOURCES", "DATASOURCE_WAREHOUSE_URL");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path flows;
    Path templates;
    Path data;
    final Map<String, String> savedProperties = new HashMap<>();

    /** What one run of the command printed. */
    record Run(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.isBlank() ? List.of() : Arrays.asList(out.strip().split("\\R"));
        }

        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void initLogging() {
        // log4j binds its console appender to the real stderr now, not to a stream a test swapped in
        LogManager.getLogger(CliTest.class);
    }

    @BeforeEach
    void configure() throws IOException {
        flows = Files.createDirectories(tmp.resolve("flows"));
        templates = Files.createDirectories(tmp.resolve("templates"));
        data = Files.createDirectories(tmp.resolve("data"));
        SETTINGS.forEach(name -> savedProperties.put(name, System.getProperty(name)));
        configure(flows, templates);
    }

    private void configure(Path flowsPath, Path templatesPath) {
        System.setProperty("FLOWS_PATH", flowsPath.toString());
        System.setProperty("TEMPLATES_PATH", templatesPath.toString());
        System.setProperty("DATA_PATH", data.toString());
        System.setProperty("SECRETS_PATH", tmp.resolve("secrets.yml").toString());
    }

    @AfterEach
    void restore() {
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    private static Run octoflow(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = OctoflowCommand.commandLine().execute(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path flow(String relative, String yaml) throws IOException {
        Path file = flows.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static final String VALID = """
            name: hello
            steps:
              - name: greeting
                type: set_fact
                set_fact:
                  value: "hello {{ __input__.who | default('world') }}"
            """;

    /** Two warnings (an unknown key, jq that does not compile) and one error (an unknown step type). */
    private static final String BROKEN = """
            name: broken
            steps:
              - name: a
                type: debug
                colour: red
              - name: b
                type: jq
                jq:
                  expression: ".[] |"
              - name: c
                type: bogus
            """;

    /** Only warnings: the spooler runs it. */
    private static final String WARNED = """
            name: warned
            steps:
              - name: a
                type: debug
                description: what it does
              - name: b
                type: goto
                when: "false"
                goto:
                  step_name: nowhere
            """;

    // --- validate ---

    @Test
    void validateBrokenFlowPrintsPathLineColumnMessageAndExits1() throws IOException {
        Path file = flow("broken.yml", BROKEN);
        Run run = octoflow("validate", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        List<String> lines = run.outLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith(file + ":5:5: warning: step 'a': unknown key 'colour', ignored"
                + " (expected one of:");
        assertThat(lines.get(1)).startsWith(file + ":9:19: warning: step 'b': jq does not compile");
        assertThat(lines.get(2)).startsWith(file + ":11:11: error: step 'c': type: unknown step type 'bogus'");
        assertThat(lines).allMatch(l -> l.matches(".+\\.yml:\\d+:\\d+: (error|warning): .+"));
        assertThat(run.err()).contains("1 flow file(s) checked, 1 invalid");
    }

    @Test
    void validateWarningsOnlyExits0AndStrictMakesThemErrors() throws IOException {
        Path file = flow("warned.yml", WARNED);
        Run run = octoflow("validate", file.toString());
        assertThat(run.exitCode()).as(run.out()).isEqualTo(0);
        assertThat(run.outLines()).satisfiesExactly(
                l -> assertThat(l).startsWith(file + ":5:5: warning: step 'a': unknown key 'description'"),
                l -> assertThat(l).startsWith(file + ":10:18: warning: step 'b': no step is named 'nowhere'"));
        assertThat(run.err()).contains("1 flow file(s) checked, 0 invalid, 1 with warnings only");

        Run strict = octoflow("validate", "--strict", file.toString());
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.outLines()).hasSize(2).allMatch(l -> l.contains(": error: "));
        assertThat(strict.err()).contains("--strict: counted as invalid");

        // and it runs: the goto is never taken
        Run launch = octoflow("launch", file.toString());
        assertThat(launch.exitCode()).as(launch.err()).isEqualTo(0);
    }

    @Test
    void validateReportsASqlStepsUnknownDatasourceWithTheNamesConfigured() throws IOException {
        System.setProperty("DATASOURCES", "warehouse");
        System.setProperty("DATASOURCE_WAREHOUSE_URL", "jdbc:h2:mem:never-connected");
        Path file = flow("report.yml", """
                name: report
                steps:
                  - name: known
                    type: sql
                    sql:
                      datasource: warehouse
                      query: SELECT 1
                  - name: misspelt
                    type: sql
                    sql:
                      datasource: warehous
                      query: SELECT 1
                """);
        Run run = octoflow("validate", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.outLines()).singleElement().asString().startsWith(file + ":11:19: error: step 'misspelt':"
                + " sql.datasource: unknown datasource 'warehous' (configured: default, warehouse;");
    }

    @Test
    void validateValidFlowExits0AndPrintsNoProblem() throws IOException {
        Path file = flow("hello.yml", VALID);
        Run run = octoflow("validate", file.toString());
        assertThat(run.exitCode()).as(run.out()).isEqualTo(0);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("1 flow file(s) checked, 0 invalid");
    }

    @Test
    void validateASpoolerDataFolderOutsideFlowsPathResolvesItsSubFlowsAndTemplatesWhereTheyLie() throws IOException {
        // a spooler data folder: flows/ and templates/ side by side, neither in FLOWS_PATH nor TEMPLATES_PATH
        Path spooler = tmp.resolve("spooler-data");
        Files.createDirectories(spooler.resolve("flows"));
        Files.createDirectories(spooler.resolve("templates"));
        Files.writeString(spooler.resolve("templates/line.j2"), "{{ id }}", StandardCharsets.UTF_8);
        Files.writeString(spooler.resolve("flows/child.yml"), """
                name: same name
                steps:
                  - name: render
                    type: jinja
                    jinja:
                      path: line.j2
                      data_key: __input__
                """, StandardCharsets.UTF_8);
        Files.writeString(spooler.resolve("flows/parent.yml"), """
                name: same name
                steps:
                  - name: loop
                    type: flow_loop
                    flow_loop:
                      path: child.yml
                      data_key: __input__
                """, StandardCharsets.UTF_8);

        Run run = octoflow("validate", spooler.resolve("flows").toString());

        assertThat(run.exitCode()).as(run.out()).isEqualTo(0);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("is outside FLOWS_PATH").contains(spooler.resolve("templates").toString())
                .contains("2 flow file(s) checked, 0 invalid");
    }

    @Test
    void validateTheShippedRoutesExits0() throws IOException {
        configure(Path.of("routes").toAbsolutePath(), Path.of("templates").toAbsolutePath());
        int count = FlowCatalog.flowFilesUnder(Path.of("routes")).size();
        assertThat(count).isGreaterThan(1);
        Run run = octoflow("validate", "routes");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(0);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(count + " flow file(s) checked, 0 invalid");
    }

    @Test
    void validateADirectoryChecksEveryFlowInItRecursively() throws IOException {
        flow("hello.yml", VALID);
        flow("lib/also.yaml", VALID.replace("name: hello", "name: also"));
        Path broken = flow("lib/deeper/broken.yml", BROKEN);
        Files.writeString(flows.resolve("notes.txt"), "not a flow: [");
        Run run = octoflow("validate", flows.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(3).allMatch(l -> l.startsWith(broken + ":"));
        assertThat(run.err()).contains("3 flow file(s) checked, 1 invalid");
    }

    @Test
    void validateSeveralPathsAtOnce() throws IOException {
        Path one = flow("one.yml", VALID);
        Path two = flow("two.yml", VALID.replace("name: hello", "name: two"));
        Run run = octoflow("validate", one.toString(), two.toString());
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.err()).contains("2 flow file(s) checked, 0 invalid");
    }

    @Test
    void validateAMissingPathExits1() {
        Path missing = tmp.resolve("nope.yml");
        Run run = octoflow("validate", missing.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(missing + ":1:1: error: no such file or directory");
    }

    @Test
    void validateReportsAnInvalidSubFlowOnTheCaller() throws IOException {
        Path sub = flow("lib/sub.yml", "name: sub\nsteps:\n  - name: s\n    type: bogus\n");
        Path caller = flow("caller.yml", "name: caller\nsteps:\n  - name: call\n    type: flow\n    flow:\n"
                + "      path: lib/sub.yml\n");
        Run run = octoflow("validate", caller.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).anySatisfy(l -> assertThat(l)
                .startsWith(caller + ":6:13: error: step 'call': path: flow 'lib/sub.yml' is invalid")
                .contains(sub + ":4:11"));
    }

    @Test
    void validateWithoutAPathIsAUsageError() {
        Run run = octoflow("validate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required parameter");
    }

    // --- launch ---

    @Test
    void launchPrintsTheFinalDataAsJsonAndExits0() throws IOException {
        Path file = flow("hello.yml", VALID);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        JsonNode result = run.json();
        assertThat(result.path("greeting").asText()).isEqualTo("hello world");
        assertThat(run.err()).contains("flow 'hello' success");
    }

    @Test
    void launchFindsAFlowRelativeToFlowsPath() throws IOException {
        flow("lib/hello.yml", VALID);
        Run run = octoflow("launch", "lib/hello.yml");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.json().path("greeting").asText()).isEqualTo("hello world");
    }

    @Test
    void launchTakesANameOnlyOneFileHasAndRefusesASharedOne() throws IOException {
        flow("lib/hello.yml", VALID);
        Run unique = octoflow("launch", "hello");
        assertThat(unique.exitCode()).as(unique.err()).isEqualTo(0);
        assertThat(unique.json().path("greeting").asText()).isEqualTo("hello world");

        flow("other/hello.yml", VALID.replace("hello {{", "other {{"));
        Run shared = octoflow("launch", "hello");
        assertThat(shared.exitCode()).isEqualTo(2);
        assertThat(shared.err()).contains("flow name 'hello' is ambiguous", "lib/hello.yml", "other/hello.yml");
        Run byPath = octoflow("launch", "other/hello.yml");
        assertThat(byPath.exitCode()).as(byPath.err()).isEqualTo(0);
        assertThat(byPath.json().path("greeting").asText()).isEqualTo("other world");
    }

    @Test
    void launchWithDataJson() throws IOException {
        Path file = flow("hello.yml", """
                name: hello
                steps:
                  - name: greeting
                    type: set_fact
                    set_fact:
                      value: "hello {{ __input__.who }} ({{ __input__.n + 1 }})"
                """);
        Run run = octoflow("launch", file.toString(), "--data", "{\"who\": \"ada\", \"n\": 41}");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        JsonNode result = run.json();
        assertThat(result.path("greeting").asText()).isEqualTo("hello ada (42)");
        // --data is the flow's __input__, not merged into the flow data (as the spooler's payload)
        assertThat(result.path("__input__").path("who").asText()).isEqualTo("ada");
        assertThat(result.has("who")).isFalse();
    }

    @Test
    void launchWithDataFromAFile() throws IOException {
        Path file = flow("hello.yml", VALID);
        Path input = tmp.resolve("input.json");
        Files.writeString(input, "{\"who\": \"bob\"}");
        Run run = octoflow("launch", file.toString(), "--data", "@" + input);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.json().path("greeting").asText()).isEqualTo("hello bob");
    }

    @Test
    void launchWithDataFromAFileJoinedToTheOption() throws IOException {
        Path file = flow("hello.yml", VALID);
        Path input = tmp.resolve("input.json");
        Files.writeString(input, "{\"who\": \"cy\"}");
        Run run = octoflow("launch", file.toString(), "--data=@" + input);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.json().path("greeting").asText()).isEqualTo("hello cy");
    }

    @Test
    void launchWithInvalidDataJsonExits2() throws IOException {
        Path file = flow("hello.yml", VALID);
        Run run = octoflow("launch", file.toString(), "--data", "{\"who\": ");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--data: not valid JSON");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void launchWithMissingDataFileExits2() throws IOException {
        Path file = flow("hello.yml", VALID);
        Run run = octoflow("launch", file.toString(), "--data", "@" + tmp.resolve("missing.json"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--data: cannot read");
    }

    @Test
    void launchTheControlFlowExampleWithData() throws IOException {
        configure(Path.of("routes").toAbsolutePath(), Path.of("templates").toAbsolutePath());
        Run run = octoflow("launch", "routes/control_flow.yml", "--data", "{\"priority\": \"high\"}");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        JsonNode result = run.json();
        assertThat(result.path("counter").asInt()).isEqualTo(3);
        assertThat(result.path("action").asText()).isEqualTo("page the on-call");
        assertThat(result.path("wrap up").asText()).isEqualTo("done after 3 rounds");
    }

    @Test
    void launchAFlowThatExitsEarlyExits0() throws IOException {
        Path file = flow("stop.yml", """
                name: stop
                steps:
                  - name: stop
                    type: exit
                    exit:
                      message: "nothing to do"
                  - name: never
                    type: set_fact
                    set_fact:
                      value: reached
                """);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        // as on the spooler, an exit stores nothing
        assertThat(run.json().has("stop")).isFalse();
        assertThat(run.json().has("never")).isFalse();
        assertThat(run.err()).contains("flow 'stop' exit", "Flow exited with message: nothing to do");
    }

    @Test
    void launchAFailingFlowExits1() throws IOException {
        Path file = flow("failing.yml", """
                name: failing
                steps:
                  - name: before
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: read
                    type: file
                    file:
                      path: missing/input.json
                  - name: after
                    type: set_fact
                    set_fact:
                      value: 2
                """);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        // the data gathered until the failure is still printed
        JsonNode result = run.json();
        assertThat(result.path("before").asInt()).isEqualTo(1);
        assertThat(result.has("after")).isFalse();
        assertThat(run.err()).contains("flow 'failing' failed", "step 'read'", "missing/input.json");
    }

    @Test
    void launchAFlowThatTimesOutExits1() throws IOException {
        Path file = flow("slow.yml", """
                name: slow
                timeout_seconds: 1
                steps:
                  - name: wait
                    type: sleep
                    sleep:
                      seconds: 120
                """);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("flow 'slow' timeout");
    }

    @Test
    void launchAnInvalidFlowExits2WithProblemsOnStderr() throws IOException {
        Path file = flow("broken.yml", BROKEN);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(file + ":11:11: error: step 'c': type: unknown step type 'bogus'")
                .doesNotContain("warning");
    }

    @Test
    void launchWithAMissingDataPathSaysSoAndCreatesNothing() throws IOException {
        Path missing = tmp.resolve("no-such-data");
        System.setProperty("DATA_PATH", missing.toString());
        Path file = flow("reader.yml", """
                name: reader
                steps:
                  - name: read
                    type: file
                    file: {path: samples/tickets.json}
                """);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("path 'samples/tickets.json': DATA_PATH " + missing + " does not exist; create"
                + " it, or set DATA_PATH to the directory the flow's files are in (a relative DATA_PATH is resolved"
                + " against the working directory " + Path.of("").toAbsolutePath() + ")")
                .doesNotContain("symbolic link");
        assertThat(missing).doesNotExist();
    }

    @Test
    void aSubFlowUnderAMissingFlowsPathSaysFlowsPathDoesNotExist() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path file = elsewhere.resolve("caller.yml");
        Files.writeString(file, """
                name: caller
                steps:
                  - name: call
                    type: flow
                    flow: {path: lib/callee.yml}
                """);
        Path missing = tmp.resolve("no-such-flows");
        System.setProperty("FLOWS_PATH", missing.toString());
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("FLOWS_PATH " + missing + " does not exist").doesNotContain("symbolic link");
    }

    @Test
    void anInvalidSettingIsOneLineWithoutAStackTrace() throws IOException {
        Path file = flow("hello.yml", VALID);
        System.setProperty("LOG_LEVEL", "verbose");
        try {
            Run run = octoflow("launch", file.toString());
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().strip()).isEqualTo("octoflow: LOG_LEVEL: expected one of TRACE, DEBUG, INFO, WARN,"
                    + " ERROR, FATAL, OFF (any case; WARNING and CRITICAL are read as WARN and FATAL), got 'verbose'");
        } finally {
            System.clearProperty("LOG_LEVEL");
        }
    }

    @Test
    void aLaunchIsRecordedInTheHistoryOfDataPathWithTriggerCli() throws Exception {
        Path file = flow("hello.yml", VALID);
        Run run = octoflow("launch", file.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        String id = run.json().get("__job_id__").asText();
        assertThat(run.err()).contains("(execution " + id + ", recorded in the history " + data.resolve("octoflow.mv.db"));
        try (var db = io.octoflow.database.Database.open("jdbc:h2:file:" + data.resolve("octoflow"), null, null)) {
            var row = new io.octoflow.history.JdbcExecutionRepository(db, 1 << 20, 100).find(id).orElseThrow();
            assertThat(row.trigger()).isEqualTo("cli");
            assertThat(row.status()).isEqualTo("success");
            assertThat(row.flowPath()).isEqualTo("hello.yml");
        }
        assertThat(data.resolve("locks")).isEmptyDirectory(); // its lock was taken there, and released
    }

    @Test
    void launchAMissingFlowExits2() {
        Run run = octoflow("launch", "does/not/exist.yml");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("does/not/exist.yml: no such flow file");
        assertThat(run.out()).isEmpty();
    }

    // --- schema and help ---

    @Test
    void schemaPrintsTheShippedSchema() throws IOException {
        Run run = octoflow("schema");
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).isEqualTo(Files.readString(Path.of("docs/flow.schema.json"), StandardCharsets.UTF_8));
        assertThat(run.json().path("definitions").has("rest")).isTrue();
    }

    @ParameterizedTest(name = "{0} --help")
    @ValueSource(strings = {"launch", "validate", "schema"})
    void helpOfEachSubcommandExits0(String subcommand) {
        Run run = octoflow(subcommand, "--help");
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("Usage: octoflow " + subcommand);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void helpOfTheCommandListsTheSubcommands() {
        Run run = octoflow("--help");
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("Usage: octoflow", "launch", "validate", "schema");
    }

    @Test
    void versionExits0() {
        Run run = octoflow("--version");
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.out()).contains("octoflow 0.1.0");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Run run = octoflow("lanch");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("lanch");
    }
}
