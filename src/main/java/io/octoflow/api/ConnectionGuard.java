package io.octoflow.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.config.ApiLimits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Keeps the API's HTTP servers answering under clients that hold connections (issue 18 #15: 3,000 slowloris
 * connections were held 90 s and took the file descriptors the schedules needed). At most API_MAX_CONNECTIONS are
 * open, over both ports: one more is closed at once. A connection must send a complete request head within
 * API_HEADER_TIMEOUT_SECONDS of opening; a kept-alive one its next request within API_IDLE_TIMEOUT_SECONDS of the
 * previous answer; a request its whole body within API_IDLE_TIMEOUT_SECONDS of its head. A request being answered
 * is never cut: a {@code ?wait=true} launch waits as long as its run. Vert.x has options for none of these (its
 * idle timeout would cut such a wait), hence one sweep a second over the open connections.
 */
final class ConnectionGuard implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 1000;
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final Vertx vertx;
    private final ApiLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong();
    private final long sweeper;

    ConnectionGuard(Vertx vertx, ApiLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.sweeper = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }

    /** Guards {@code server}'s connections; {@code requests} then handles each request that arrives on them. */
    HttpServer install(HttpServer server, Handler<HttpServerRequest> requests) {
        return server.connectionHandler(this::opened).requestHandler(request -> {
            Tracked tracked = connections.get(request.connection());
            if (tracked != null) {
                tracked.current = request;
                tracked.since = System.nanoTime();
                tracked.answered = false;
            }
            requests.handle(request);
        });
    }

    /** Connections open now (guarded ones). */
    int open() {
        return open.get();
    }

    private void opened(HttpConnection connection) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            connection.close();
            refusedOne();
            return;
        }
        connections.put(connection, new Tracked(connection));
        connection.closeHandler(closed -> {
            if (connections.remove(connection) != null) {
                open.decrementAndGet();
            }
        });
    }

    private void refusedOne() {
        long count = refused.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("API_MAX_CONNECTIONS ({}) connections are open: new ones are closed at once ({} so far)",
                    limits.maxConnections(), count);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Tracked tracked : connections.values()) {
            if (tracked.expired(now)) {
                tracked.connection.close();
            }
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(sweeper);
    }

    /** One open connection and the request it is on (the server speaks HTTP/1.x: one request at a time). */
    private final class Tracked {

        final HttpConnection connection;
        volatile HttpServerRequest current;
        volatile long since = System.nanoTime();
        volatile boolean answered;

        Tracked(HttpConnection connection) {
            this.connection = connection;
        }

        boolean expired(long now) {
            HttpServerRequest request = current;
            if (request == null) {
                return now - since > seconds(limits.headerTimeoutSeconds());
            }
            if (!request.isEnded()) { // its body is still arriving
                return now - since > seconds(limits.idleTimeoutSeconds());
            }
            if (!request.response().ended()) { // being answered: never cut
                return false;
            }
            if (!answered) { // the idle wait for the next request starts now (to a second)
                answered = true;
                since = now;
                return false;
            }
            return now - since > seconds(limits.idleTimeoutSeconds());
        }

        private static long seconds(int seconds) {
            return seconds * 1_000_000_000L;
        }
    }
}
