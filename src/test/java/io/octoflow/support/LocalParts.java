package io.octoflow.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local parts of examples/streamproc/local-parts.sh ({@code kafka}, {@code influx}), started by the script
 * itself, as the docs run it, on free ports and in a state directory of their own; {@link #close()} stops them.
 * A part that does not start fails the test (the script's output says why).
 */
public final class LocalParts implements AutoCloseable {

    private static final Path SCRIPT = Path.of("examples/streamproc/local-parts.sh").toAbsolutePath();
    /** The script's port variables of each part. */
    private static final Map<String, List<String>> PORTS = Map.of("kafka", List.of("KAFKA_PORT",
            "KAFKA_CONTROLLER_PORT"), "influx", List.of("INFLUX_PORT", "INFLUX_RPC_PORT"));

    private final List<String> parts;
    private final Map<String, String> ports = new LinkedHashMap<>();
    private final Path state;

    private LocalParts(List<String> parts) throws IOException {
        this.parts = parts;
        this.state = Files.createTempDirectory("octoflow-local-parts");
        for (String part : parts) {
            for (String variable : PORTS.get(part)) {
                ports.put(variable, freePort());
            }
        }
    }

    /** Starts {@code parts} and checks that each listens on its port. */
    public static LocalParts start(String... parts) throws Exception {
        LocalParts started = new LocalParts(List.of(parts));
        try {
            String out = started.script("start");
            for (String part : parts) {
                String port = started.port(part.toUpperCase(Locale.ROOT) + "_PORT");
                assertThat(out).contains(part + ": listening on 127.0.0.1:" + port);
            }
            return started;
        } catch (Exception | AssertionError e) {
            started.close(); // a part that did start is stopped
            throw e;
        }
    }

    /** The port the script was given for {@code variable} (KAFKA_PORT, INFLUX_PORT, ...). */
    public String port(String variable) {
        return ports.get(variable);
    }

    @Override
    public void close() throws Exception {
        script("stop");
    }

    private String script(String action) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), action));
        command.addAll(parts);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(ports);
        builder.environment().put("STREAMPROC_STATE", state.toString());
        Path log = Files.createTempFile(state, "script", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("local-parts.sh ended").isTrue();
        String out = Files.readString(log);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return String.valueOf(socket.getLocalPort());
        }
    }
}
