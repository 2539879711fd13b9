package io.octoflow.api;

import java.util.concurrent.TimeUnit;

import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

import io.octoflow.config.ApiLimits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Camel's platform-http server (the routes of the REST DSL, health, metrics, Jolokia) listening with Octoflow's
 * limits. Camel's own server listens with default options and no hook for connections; this one listens with
 * {@link #options}, and every connection and request passes {@link ConnectionGuard} and {@link RequestBodies}
 * before Camel's router. Camel's management server finds it as the server of its port and adds its routes to it.
 */
final class GuardedHttpServer extends VertxPlatformHttpServer {

    private final VertxPlatformHttpServerConfiguration configuration;
    private final ApiLimits limits;
    private final HttpServerOptions options;
    private ConnectionGuard guard;
    private HttpServer listening;
    private HttpServer second;

    /**
     * @param options the TLS (or none) and address of the main port; the limits are added to them
     */
    GuardedHttpServer(VertxPlatformHttpServerConfiguration configuration, ApiLimits limits,
            HttpServerOptions options) {
        super(configuration);
        this.configuration = configuration;
        this.limits = limits;
        this.options = limited(options, limits);
    }

    /** The limits on options of a server: head sizes; HTTP/1.x only, one request at a time per connection. */
    static HttpServerOptions limited(HttpServerOptions options, ApiLimits limits) {
        return options.setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxInitialLineLength(HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH)
                .setHttp2ClearTextEnabled(false)
                .setUseAlpn(false);
    }

    @Override
    protected void startServer() throws Exception {
        VertxPlatformHttpRouter router = router();
        router.errorHandler(413, ctx -> RequestBodies.tooLarge(ctx, limits.maxBodyBytes()));
        guard = new ConnectionGuard(getVertx(), limits);
        listening = listen(options);
    }

    /** A second port (https beside http) serving the same routes, under the same limits and connection count. */
    void listenAlso(HttpServerOptions secondOptions) throws Exception {
        second = listen(limited(secondOptions, limits));
    }

    /** The server of the main port (Camel's engine asks it for the port its routes are on). */
    @Override
    public HttpServer getServer() {
        return listening;
    }

    int openConnections() {
        return guard.open();
    }

    private HttpServer listen(HttpServerOptions serverOptions) throws Exception {
        VertxPlatformHttpRouter router = router();
        HttpServer server = guard.install(getVertx().createHttpServer(serverOptions), request -> {
            if (RequestBodies.admit(request)) {
                router.handle(request);
            }
        });
        // not on a Vert.x thread: Camel starts its services from its own
        server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server;
    }

    private VertxPlatformHttpRouter router() {
        return VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getPort()));
    }

    @Override
    protected void stopServer() {
        for (HttpServer server : new HttpServer[] {second, listening}) {
            if (server != null) {
                try {
                    server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // stopping anyway
                }
            }
        }
        second = null;
        listening = null;
        if (guard != null) {
            guard.close();
        }
        super.stopServer();
    }

    /**
     * Closes the Vert.x instance here: Camel's own stop hands the close to the executor its startServer creates,
     * which this server's startServer does not, and failed with a NullPointerException logged at every stop.
     */
    @Override
    protected void stopVertx() {
        Vertx vertx = getVertx();
        if (vertx == null) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // stopping anyway: the process or the test ends
        }
    }
}
