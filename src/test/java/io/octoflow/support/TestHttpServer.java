package io.octoflow.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server for tests: bound to 127.0.0.1 on an ephemeral port, multi-threaded, recording every request
 * and answering per path (exact path match, else 404). Answers can be fixed or computed from the request.
 */
public final class TestHttpServer implements AutoCloseable {

    /** One request as the server saw it. Header names are case-insensitive. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** The value of one query parameter (not URL-decoded beyond '+' and %XX). */
        public String queryParam(String name) {
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (java.net.URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                    return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** An answer: status, content type (null: none) and body. */
    public record Response(int status, String contentType, String body) {

        public static Response json(String body) {
            return new Response(200, "application/json", body);
        }

        public static Response text(String body) {
            return new Response(200, "text/plain; charset=utf-8", body);
        }

        public static Response status(int status, String contentType, String body) {
            return new Response(status, contentType, body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-http-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Function<Request, Response>> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> completed = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestHttpServer start() {
        try {
            return new TestHttpServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test HTTP server", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:port */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public String url(String path) {
        return baseUrl() + path;
    }

    /** Answers {@code path} with a fixed status, content type and body. */
    public TestHttpServer respond(String path, int status, String contentType, String body) {
        Response response = new Response(status, contentType, body);
        handlers.put(path, request -> response);
        return this;
    }

    /** Answers {@code path} with whatever {@code handler} computes from the request (it may block). */
    public TestHttpServer respond(String path, Function<Request, Response> handler) {
        handlers.put(path, handler);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Requests whose answer has been written, in the order they completed. */
    public List<Request> completed() {
        return List.copyOf(completed);
    }

    public Request lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the test HTTP server received no request");
        }
        return requests.get(requests.size() - 1);
    }

    public int hits(String path) {
        return requests(path).size();
    }

    /** The largest number of requests the server was handling at the same time. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    public int concurrentRequests() {
        return inFlight.get();
    }

    /** For handlers: waits until {@code condition} holds, up to {@code timeout}; returns whether it held. */
    public static boolean awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        Request request = null;
        try {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), Collections.unmodifiableMap(headers), body);
            requests.add(request);
            Function<Request, Response> handler = handlers.get(request.path());
            Response response;
            try {
                response = handler == null ? new Response(404, "text/plain", "no handler for " + request.path())
                        : handler.apply(request);
            } catch (RuntimeException e) {
                response = new Response(500, "text/plain", "test handler failed: " + e);
            }
            // the answer is complete before the request counts as no longer in flight
            inFlight.decrementAndGet();
            now = -1;
            byte[] bytes = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            if (response.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", response.contentType());
            }
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            completed.add(request);
        } finally {
            if (now != -1) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        List<String> seen = new ArrayList<>();
        requests.forEach(r -> seen.add(r.method() + " " + r.path() + (r.query() == null ? "" : "?" + r.query())));
        return "TestHttpServer[" + baseUrl() + ", requests=" + seen + "]";
    }
}
