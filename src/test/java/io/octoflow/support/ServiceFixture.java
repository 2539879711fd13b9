package io.octoflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.app.OctoflowService;

/**
 * A real Octoflow service on a temporary installation ({@link FlowFixture}), its API on a free port with a known
 * token, and a small HTTP client speaking to it. Write flows into {@link #files()} before {@link #start()};
 * {@link #close()} stops the service the way SIGTERM does.
 */
public final class ServiceFixture implements AutoCloseable {

    public static final String TOKEN = "test-token-5f1c2a";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FlowFixture files;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private OctoflowService service;

    public ServiceFixture(Path root) {
        this.files = new FlowFixture(root);
        this.port = freePort();
        files.set("API_PORT", Integer.toString(port));
        files.set("API_TOKEN", TOKEN);
        files.set("LOCK_PATH", root.resolve("locks").toString());
        files.set("DB_URL", "jdbc:h2:file:" + root.resolve("data/octoflow"));
    }

    public FlowFixture files() {
        return files;
    }

    /** Sets a configuration value (API_TOKEN, CONFIG_FILE, TIMEZONE...); before {@link #start()}. */
    public ServiceFixture set(String name, String value) {
        files.set(name, value);
        return this;
    }

    public ServiceFixture start() throws Exception {
        service = new OctoflowService(files.config());
        service.start();
        return this;
    }

    public OctoflowService service() {
        return service;
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)));
    }

    /** A request with the service's token; callers may add or override headers. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN);
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the service as SIGTERM would (idempotent). */
    public void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Override
    public void close() {
        stop();
        files.close();
    }

    /** An HTTP answer; {@link #json()} parses the body. */
    public record Response(int status, String body, HttpResponse<String> raw) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
