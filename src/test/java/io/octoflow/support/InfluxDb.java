package io.octoflow.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real InfluxDB 1.x: Debian's {@code influxd} (package {@code influxdb}, installed by {@code .ci/run}) started
 * with a generated configuration in a temp dir (meta, data and WAL there; HTTP and RPC on free ports; no usage
 * reporting, no _internal monitoring), authentication on, with one admin user ({@link #USER}, {@link #PASSWORD}).
 * Start one per test class; {@link #close()} kills it and removes its files. Missing influxd fails the test.
 */
public final class InfluxDb implements AutoCloseable {

    public static final String BINARY = "/usr/bin/influxd";
    public static final String USER = "octo_admin";
    public static final String PASSWORD = "influx-Pa55word-never-shown";

    private final Path dir;
    private final Process process;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    private InfluxDb(Path dir, Process process, String url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    public static InfluxDb start() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's influxdb package"
                    + " (apt-get install -y influxdb; .ci/run does it)");
        }
        try {
            Path dir = Files.createTempDirectory("octoflow-influx");
            int httpPort = freePort();
            int rpcPort = freePort();
            Path config = dir.resolve("influxdb.conf");
            Files.writeString(config, """
                    reporting-disabled = true
                    bind-address = "127.0.0.1:%d"
                    [meta]
                      dir = "%s/meta"
                    [data]
                      dir = "%s/data"
                      wal-dir = "%s/wal"
                      query-log-enabled = false
                    [monitor]
                      store-enabled = false
                    [http]
                      enabled = true
                      bind-address = "127.0.0.1:%d"
                      auth-enabled = true
                      log-enabled = false
                    """.formatted(rpcPort, dir, dir, dir, httpPort));
            Process process = new ProcessBuilder(BINARY, "run", "-config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("influxd.log").toFile()).start();
            InfluxDb influx = new InfluxDb(dir, process, "http://127.0.0.1:" + httpPort);
            influx.awaitPing();
            // with auth on and no user yet, InfluxDB accepts exactly this statement without a login
            influx.post("CREATE USER " + USER + " WITH PASSWORD '" + PASSWORD + "' WITH ALL PRIVILEGES", false);
            return influx;
        } catch (IOException e) {
            throw new IllegalStateException("influxd did not start: " + e, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitPing() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("influxd.log")));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for influxd", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for influxd", e);
            }
        }
        throw new IllegalStateException("influxd did not answer /ping within 60 s: "
                + Files.readString(dir.resolve("influxd.log")));
    }

    /** The HTTP API (INFLUX_URL, a step's url). */
    public String url() {
        return url;
    }

    /** Runs InfluxQL with POST (CREATE, DROP...) as the admin; returns the JSON answer. */
    public String post(String influxQl) {
        return post(influxQl, true);
    }

    private String post(String influxQl, boolean login) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8)));
        if (login) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2 || r.body().contains("\"error\"")) {
                throw new IllegalStateException("influxd refused '" + influxQl + "': " + r.statusCode() + " "
                        + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("influxd did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            // a temp dir left behind
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
