import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A throw-away Octoflow installation (data, flows, templates) in a temporary directory. */
final class BenchFiles implements AutoCloseable {

    final Path root;
    final Path data;
    final Path flows;
    final Path templates;

    BenchFiles() throws IOException {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** An installation under {@code parent}: {@code /dev/shm} for tmpfs, {@code /tmp} for the disk. */
    BenchFiles(Path parent) throws IOException {
        root = Files.createTempDirectory(parent, "octoflow-bench");
        data = Files.createDirectories(root.resolve("data"));
        flows = Files.createDirectories(root.resolve("flows"));
        templates = Files.createDirectories(root.resolve("templates"));
    }

    Path write(Path dir, String relative, String text) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The five-step file flow of the core benchmark: file read, jq, jinja, jq, file write. */
    Path fileFlow() {
        StringBuilder tickets = new StringBuilder("{\"result\": [");
        for (int i = 1; i <= 20; i++) {
            tickets.append(i > 1 ? "," : "").append(String.format(
                    "{\"id\": \"T-%d\", \"title\": \"Ticket %d\", \"priority\": \"%s\", \"owner\": \"user%d\"}",
                    i, i, i % 3 == 0 ? "high" : "low", i % 4));
        }
        write(data, "tickets.json", tickets.append("]}").toString());
        write(templates, "report.j2", """
                Report {{ __timestamp__ }}
                {% for t in data %}- {{ t.id }}: {{ t.title }} ({{ t.owner }})
                {% endfor %}""");
        return write(flows, "file_flow.yml", """
                name: file flow
                steps:
                  - name: read
                    type: file
                    file:
                      path: tickets.json
                  - name: urgent
                    type: jq
                    jq:
                      expression: '{data: [.result[] | select(.priority == "high")]}'
                      data_key: read
                  - name: report
                    type: jinja
                    jinja:
                      path: report.j2
                      data_key: urgent
                  - name: summary
                    type: jq
                    jq:
                      expression: '{count: (.urgent.data | length), report: .report}'
                      data_key: "."
                  - name: write
                    type: file
                    file:
                      path: out/report.json
                      mode: write
                      type: json
                      data_key: summary
                """);
    }

    /** Settings of a service on this installation: a free API port, a known token, history in DATA_PATH. */
    java.util.Map<String, String> serviceSettings() throws IOException {
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        settings.put("DATA_PATH", data.toString());
        settings.put("FLOWS_PATH", flows.toString());
        settings.put("TEMPLATES_PATH", templates.toString());
        settings.put("LOCK_PATH", root.resolve("locks").toString());
        settings.put("CONFIG_FILE", root.resolve("config.yml").toString());
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            settings.put("API_PORT", Integer.toString(socket.getLocalPort()));
        }
        settings.put("API_TOKEN", TOKEN);
        // INFO logs one line per run: the benchmarks measure the engine, not the console
        settings.put("LOG_LEVEL", "WARN");
        settings.put("JMX_MBEANS_LEVEL", System.getProperty("JMX_MBEANS_LEVEL", "Default"));
        settings.put("CAMEL_CLI_CONNECTOR", System.getProperty("CAMEL_CLI_CONNECTOR", "true"));
        return settings;
    }

    static final String TOKEN = "bench-token";

    /** A benchmark's body. */
    interface Body {
        void run(String[] args) throws Exception;
    }

    /** Runs a benchmark, then exits: a failed run must not leave a service's non-daemon threads holding the JVM. */
    static void runAndExit(String[] args, Body body) {
        try {
            body.run(args);
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
