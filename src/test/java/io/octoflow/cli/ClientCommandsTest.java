package io.octoflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.support.OctoflowProcess;
import io.octoflow.support.ServiceFixture;

/**
 * The terminal client ({@code octoflow flows}, {@code runs}, {@code run-flow}) run in-process with picocli against a
 * real service on a free port: what it prints on stdout and stderr, and its exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SETTINGS = List.of("API_URL", "API_PORT", "API_TOKEN", "DATA_PATH");

    @TempDir
    static Path root;
    ServiceFixture service;
    String url;
    final Map<String, String> savedProperties = new HashMap<>();

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    void start() throws Exception {
        LogManager.getLogger(ClientCommandsTest.class); // log4j's console appender on the real stderr
        service = new ServiceFixture(root.resolve("service"));
        service.files().dataFile("numbers.json", "{\"values\": [3, 4, 5]}");
        service.files().flow("hello.yml", """
                name: hello
                every_seconds: 3600
                steps:
                  - name: read
                    type: file
                    file:
                      path: numbers.json
                  - name: total
                    type: jq
                    jq:
                      expression: '.values | add'
                      data_key: read
                  - name: greeting
                    type: set_fact
                    set_fact:
                      value: "hello {{ __input__.who | default('nobody') }}"
                """);
        service.files().flow("reports/broken.yml", """
                name: broken
                steps:
                  - name: read missing
                    type: file
                    file:
                      path: no-such-file.json
                """);
        service.files().flow("heartbeat.yml", """
                name: heartbeat
                every_seconds: 10
                steps:
                  - name: beat
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.who | default('nobody') }}"
                """);
        service.files().flow("jq_transform.yml", """
                name: jq transform
                steps:
                  - name: total
                    type: jq
                    jq:
                      expression: '[1, 2, 3] | add'
                """);
        service.files().flow("invalid.yml", """
                name: invalid
                steps:
                  - name: what
                    type: no_such_type
                """);
        service.start();
        url = "http://localhost:" + service.port();
    }

    @AfterAll
    void stop() {
        service.close();
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
        savedProperties.clear();
    }

    /** Sets a setting as a JVM system property (as the environment would) for this test only. */
    private void setting(String name, String value) {
        savedProperties.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
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

    private Run client(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token", ServiceFixture.TOKEN));
        return octoflow(all.toArray(String[]::new));
    }

    @Test
    void flowsAsJsonIsTheApiAnswer() throws IOException {
        Run run = client("flows", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode flows = run.json();
        assertThat(flows.path("deployed").findValuesAsText("name"))
                .containsExactlyInAnyOrder("hello", "broken", "heartbeat", "jq transform");
        assertThat(flows.path("deployed").findValuesAsText("path"))
                .containsExactlyInAnyOrder("hello.yml", "reports/broken.yml", "heartbeat.yml", "jq_transform.yml");
        assertThat(flows.path("invalid_files").path(0).path("path").asText()).isEqualTo("invalid.yml");
        assertThat(flows.path("flows").findValuesAsText("every_seconds")).containsExactlyInAnyOrder("3600", "10");
    }

    @Test
    void flowsAsATableHasAlignedColumns() {
        Run run = client("flows");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("NAME +PATH +SCHEDULE +NEXT FIRE +PAUSED +LOCKED");
        String hello = lines.stream().filter(l -> l.startsWith("hello ")).findFirst().orElseThrow();
        assertThat(hello).contains("hello.yml").contains("every 3600 s").endsWith("no      no");
        assertThat(lines).anyMatch(l -> l.startsWith("broken ") && l.contains("reports/broken.yml"));
        // the columns start at the same place on every line
        int pathColumn = lines.get(0).indexOf("PATH");
        assertThat(hello.indexOf("hello.yml")).isEqualTo(pathColumn);
        assertThat(run.out()).contains("Files that do not validate (1):").contains("  invalid.yml:");
    }

    @Test
    void runFlowWaitPrintsTheFinalDataAndSaysHowTheRunEnded() throws IOException {
        Run run = client("run-flow", "hello", "--data", "{\"who\": \"ops\"}", "--wait");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode data = run.json();
        assertThat(data.path("total").asInt()).isEqualTo(12);
        assertThat(data.path("greeting").asText()).isEqualTo("hello ops");
        assertThat(run.err()).startsWith("flow 'hello' success in ");

        Path input = Files.writeString(root.resolve("input.json"), "{\"who\": \"a file\"}");
        Run fromFile = client("run-flow", "hello", "--data", "@" + input, "--wait");
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.json().path("greeting").asText()).isEqualTo("hello a file");
        Run notJson = client("run-flow", "hello", "--data", "{who", "--wait");
        assertThat(notJson.exitCode()).isEqualTo(2);
        assertThat(notJson.err()).startsWith("octoflow: --data: not valid JSON");

        Run json = client("run-flow", "hello.yml", "--wait", "--output", "json");
        assertThat(json.exitCode()).isZero();
        assertThat(json.json().path("status").asText()).isEqualTo("success");
        assertThat(json.json().path("data").path("greeting").asText()).isEqualTo("hello nobody");
        assertThat(json.json().path("execution_id").asText()).isNotBlank();
    }

    @Test
    void runFlowWaitExitsNonZeroWhenTheRunFails() throws IOException {
        Run run = client("run-flow", "broken", "--wait", "-o", "json");

        assertThat(run.exitCode()).isEqualTo(RunFlowCommand.RUN_FAILED);
        assertThat(run.json().path("status").asText()).isEqualTo("failed");
        assertThat(run.json().path("error").asText()).contains("no-such-file.json");

        Run table = client("run-flow", "reports/broken.yml", "--wait");
        assertThat(table.exitCode()).isEqualTo(RunFlowCommand.RUN_FAILED);
        assertThat(table.err()).contains("flow 'broken' failed").contains("no-such-file.json");
    }

    @Test
    void runFlowWithoutWaitPrintsTheExecution() throws IOException {
        Run run = client("run-flow", "hello", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String id = run.json().path("execution_id").asText();
        assertThat(id).isNotBlank();
        assertThat(run.json().path("path").asText()).isEqualTo("hello.yml");

        Run table = client("run-flow", "broken");
        assertThat(table.exitCode()).as(table.err()).isZero(); // launched: how it ends is for runs to say
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("EXECUTION +FLOW +PATH +STATUS");
    }

    @Test
    void runsAreFilteredByFlowStatusAndLimit() throws IOException {
        assertThat(client("run-flow", "hello", "--wait").exitCode()).isZero();
        assertThat(client("run-flow", "hello", "--wait").exitCode()).isZero();
        assertThat(client("run-flow", "broken", "--wait").exitCode()).isEqualTo(1);
        assertThat(client("run-flow", "broken", "--wait").exitCode()).isEqualTo(1);

        JsonNode hello = client("runs", "--flow", "hello", "-o", "json").json();
        assertThat(hello.size()).isGreaterThanOrEqualTo(2);
        assertThat(hello.findValuesAsText("flow")).containsOnly("hello");

        JsonNode failed = client("runs", "--status", "failed", "-o", "json").json();
        assertThat(failed.size()).isGreaterThanOrEqualTo(1);
        assertThat(failed.findValuesAsText("status")).containsOnly("failed");
        assertThat(failed.findValuesAsText("flow")).containsOnly("broken");

        assertThat(client("runs", "--limit", "1", "-o", "json").json().size()).isEqualTo(1);
        JsonNode one = client("runs", "--flow", "broken", "--limit", "1", "-o", "json").json();
        JsonNode all = client("runs", "--flow", "broken", "--limit", "1000", "-o", "json").json();
        assertThat(one.size()).isEqualTo(1);
        assertThat(all.size()).isGreaterThan(1);
        assertThat(one.path(0).path("id")).isEqualTo(all.path(0).path("id")); // newest first

        Run table = client("runs", "--flow", "reports/broken.yml", "--status", "failed");
        assertThat(table.exitCode()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +FLOW +STATUS +TRIGGER +STARTED +DURATION +ERROR");
        assertThat(lines.subList(1, lines.size())).isNotEmpty()
                .allMatch(l -> l.contains(" broken ") && l.contains(" failed ") && l.contains(" api "));
    }

    @Test
    void aBadStatusIsTheServicesMessage() {
        Run run = client("runs", "--status", "finished");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("octoflow: status: expected one of").contains("(400 from GET ");
    }

    @Test
    void anUnknownFlowIsA404() {
        Run run = client("run-flow", "no-such-flow", "--wait");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("octoflow: ").contains("no-such-flow").contains("404 from POST " + url
                + "/api/flows/launch");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void theUrlAndTokenComeFromTheSettings() throws IOException {
        setting("API_PORT", Integer.toString(service.port()));
        setting("API_TOKEN", ServiceFixture.TOKEN);

        Run run = octoflow("flows", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("deployed").findValuesAsText("name")).contains("hello");

        setting("API_PORT", "1");
        setting("API_URL", url + "/api/"); // as the service's log line prints it
        assertThat(octoflow("flows", "-o", "json").exitCode()).isZero();
    }

    /** The same as a user runs it: its own JVM, the URL and the token from its environment, JSON on stdout. */
    @Test
    void aRealProcessListsFlowsAndRunsAsJsonWithTheUrlAndTokenFromItsEnvironment() throws IOException {
        assertThat(client("run-flow", "hello", "--wait").exitCode()).isZero();
        Map<String, String> env = Map.of("API_URL", url, "API_TOKEN", ServiceFixture.TOKEN);
        Path logs = root.resolve("process-logs");
        try (OctoflowProcess flows = OctoflowProcess.start(root, logs, env, "flows", "--output", "json")) {
            assertThat(flows.exitCode()).as(flows.stderr()).isZero();
            assertThat(flows.stderr()).isEmpty();
            assertThat(JSON.readTree(flows.stdout()).path("deployed").findValuesAsText("name"))
                    .containsExactlyInAnyOrder("hello", "broken", "heartbeat", "jq transform");
        }
        try (OctoflowProcess runs = OctoflowProcess.start(root, logs, env, "runs", "--flow", "hello", "--status",
                "success", "--limit", "1", "--output", "json")) {
            assertThat(runs.exitCode()).as(runs.stderr()).isZero();
            JsonNode list = JSON.readTree(runs.stdout());
            assertThat(list.size()).isEqualTo(1);
            assertThat(list.path(0).path("flow").asText()).isEqualTo("hello");
            assertThat(list.path(0).path("status").asText()).isEqualTo("success");
        }
    }

    @Test
    void anUnreachableServiceIsOneLineNamingTheUrlAndTheSetting() throws IOException {
        int closed = freePort();
        setting("API_URL", "http://localhost:" + closed);

        Run run = octoflow("runs");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("octoflow: cannot reach the Octoflow service at http://localhost:"
                + closed + " (API_URL; or --url): connection refused. Is `octoflow run` running there?");

        Run flag = octoflow("flows", "--url", "http://localhost:" + closed, "--token", "x");
        assertThat(flag.exitCode()).isEqualTo(3);
        assertThat(flag.err()).contains("at http://localhost:" + closed + " (--url): connection refused");
    }

    @Test
    void aWrongTokenIsSaidWithoutPrintingIt() {
        Run run = octoflow("flows", "--url", url, "--token", "wrong-token-d41d8c");

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("refused the API token from --token (401)").doesNotContain("wrong-token-d41d8c")
                .doesNotContain(ServiceFixture.TOKEN);
    }

    @Test
    void aMissingTokenSaysWhichSettingGivesOne() {
        setting("API_URL", url);
        setting("DATA_PATH", root.resolve("elsewhere").toString()); // no api-token file there

        Run run = octoflow("runs");

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).contains("wants an API token and none is set: set API_TOKEN (or --token)");
    }

    @Test
    void theTokenFileOfTheServicesDataPathIsUsed() throws IOException {
        Path data = Files.createDirectories(root.resolve("local-data"));
        Files.writeString(data.resolve("api-token"), ServiceFixture.TOKEN + "\n");
        setting("API_URL", url);
        setting("DATA_PATH", data.toString());

        Run run = octoflow("flows", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("deployed").findValuesAsText("name")).contains("hello");
    }

    /**
     * Every {@code $ ./octoflow ...} line of docs/CLI.md runs against the service (API_URL and API_TOKEN set as the
     * doc's first line does) and exits 0; what they print is in target/cli-doc-examples.txt.
     */
    @Test
    void theDocumentedExamplesRun() throws IOException {
        setting("API_URL", url);
        setting("API_TOKEN", ServiceFixture.TOKEN);
        List<String> commands = Files.readAllLines(Path.of("docs/CLI.md")).stream()
                .filter(line -> line.startsWith("$ ./octoflow ")).map(line -> line.substring("$ ./octoflow ".length()))
                .toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(5);
        StringBuilder printed = new StringBuilder();
        for (String command : commands) {
            Run run = octoflow(shellWords(command).toArray(String[]::new));
            assertThat(run.exitCode()).as(command + "\n" + run.err()).isZero();
            printed.append("$ ./octoflow ").append(command).append('\n').append(run.out()).append(run.err());
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/cli-doc-examples.txt"), printed);
    }

    /** A command line split as a shell does, for the quoting the docs use: words, '...' and "..." strings. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
