package io.octoflow.api;

import java.util.Set;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Camel's platform-http engine on Vert.x, whose consumers of the paths in {@code asyncPaths} answer without a
 * waiting worker thread ({@link AsyncAnswerConsumer}); every other path is Camel's own consumer. Bound in the
 * registry as {@code platform-http-engine}, where the platform-http component looks for its engine first.
 */
final class AsyncAnswerEngine extends VertxPlatformHttpEngine {

    private final Set<String> asyncPaths;

    AsyncAnswerEngine(Set<String> asyncPaths) {
        this.asyncPaths = asyncPaths;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (!asyncPaths.contains(endpoint.getPath())) {
            return super.createConsumer(endpoint, processor);
        }
        return new AsyncAnswerConsumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }
}
