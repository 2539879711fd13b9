package io.octoflow.config;

/**
 * Bounds on what one step may cost, so that a runaway program, a hung server or a huge file fails its step instead
 * of holding a thread, a connection or the heap: jq's work and output, rest's timeouts, connection pool and response
 * size, file's read size. Held by {@link OctoflowConfig#stepLimits()}; the settings are documented in
 * {@code application.properties}.
 */
public record StepLimits(
        long jqMaxSteps,
        long jqMaxOutputNodes,
        int restConnectTimeoutSeconds,
        int restReadTimeoutSeconds,
        int restMaxConnections,
        int restMaxConnectionsPerHost,
        long restResponseMaxBytes,
        long fileReadMaxBytes) {

    /** The defaults of application.properties. */
    public static final StepLimits DEFAULTS = new StepLimits(10_000_000, 1_000_000, 30, 300, 200, 100, 16_777_216,
            16_777_216);

    public StepLimits {
        if (restMaxConnectionsPerHost > restMaxConnections) {
            throw new IllegalArgumentException("REST_MAX_CONNECTIONS_PER_HOST (" + restMaxConnectionsPerHost
                    + ") cannot be more than REST_MAX_CONNECTIONS (" + restMaxConnections + ")");
        }
    }
}
