package io.octoflow.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The stand-in for Jira, AWX and ServiceNow: an HTTPS server on 127.0.0.1 presenting a certificate for their
 * hosts, answering from {@link StandInAnswers} by the Host header, recording every request it receives.
 */
public final class StandInServer implements AutoCloseable {

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stand-in");
        t.setDaemon(true);
        return t;
    });
    private volatile StandInAnswers answers;
    private final List<StandInRequest> received = new CopyOnWriteArrayList<>();

    private StandInServer(StandInAnswers answers, StandInCertificate certificate) throws IOException {
        this.answers = answers;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StandInServer start(StandInAnswers answers, StandInCertificate certificate) {
        try {
            return new StandInServer(answers, certificate);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the stand-in: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests received since the last {@link #clear()}, in the order they arrived. */
    public List<StandInRequest> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    /** Answers from now on with {@code answers}. */
    public void answerWith(StandInAnswers answers) {
        this.answers = answers;
    }

    /** Records a request that reached the proxy as plain HTTP (not tunnelled), so the comparison shows it. */
    void recordUntunnelled(StandInRequest request) {
        received.add(request);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String host = hostOf(exchange.getRequestHeaders().getFirst("Host"));
            String path = exchange.getRequestURI().getPath();
            Map<String, List<String>> query = StandInRequest.decodeQuery(exchange.getRequestURI().getRawQuery());
            received.add(new StandInRequest(exchange.getRequestMethod(), host, path, query,
                    StandInRequest.relevantHeaders(exchange.getRequestHeaders()), StandInRequest.parseBody(body),
                    true));
            StandInAnswers.Answer answer = answers.find(host, exchange.getRequestMethod(), path, query);
            int status = answer == null ? 404 : answer.status();
            JsonNode content = answer == null
                    ? CorpusJson.MAPPER.createObjectNode().put("error", "the stand-in has no answer for "
                            + exchange.getRequestMethod() + " " + host + path)
                    : answer.body();
            byte[] bytes = content == null ? new byte[0] : content.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
                exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The Host header without its port (clients leave :443 out; some write it). */
    static String hostOf(String header) {
        if (header == null) {
            return "";
        }
        String host = header.trim();
        int colon = host.lastIndexOf(':');
        return colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
