package io.octoflow.config;

/**
 * What one client may take of the API's HTTP server (issue 18 #14, #15), so that hostile or broken clients can
 * neither hold its connections nor fill its memory, and file descriptors stay for the schedules.
 *
 * @param headerTimeoutSeconds API_HEADER_TIMEOUT_SECONDS: a new connection must send a complete request head
 *                             within this time, else it is closed (slowloris)
 * @param idleTimeoutSeconds   API_IDLE_TIMEOUT_SECONDS: a kept-alive connection waiting for its next request, or a
 *                             request whose body has not all arrived, is closed after this time. A request being
 *                             answered is never cut (a {@code ?wait=true} launch waits as long as its run)
 * @param maxConnections       API_MAX_CONNECTIONS: open connections (the API, health, metrics, both ports); one
 *                             more is closed at once
 * @param maxHeaderBytes       API_MAX_HEADER_BYTES: the request's headers (beyond it: 431)
 * @param maxBodyBytes         API_MAX_BODY_BYTES: a request body (beyond it: 413, the rest is never read)
 * @param maxResultBytes       API_MAX_RESULT_BYTES: the final data a {@code ?wait=true} launch answers, as JSON;
 *                             larger data is not returned (the answer says so and gives the execution id)
 */
public record ApiLimits(int headerTimeoutSeconds, int idleTimeoutSeconds, int maxConnections, int maxHeaderBytes,
        int maxBodyBytes, int maxResultBytes) {

    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    public static final int DEFAULT_MAX_HEADER_BYTES = 8192;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

    public static ApiLimits defaults() {
        return new ApiLimits(DEFAULT_HEADER_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RESULT_BYTES);
    }
}
