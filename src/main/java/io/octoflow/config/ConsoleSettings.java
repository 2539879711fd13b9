package io.octoflow.config;

/**
 * The web console's settings (docs/CONSOLE.md).
 *
 * @param enabled            CONSOLE_ENABLED: the console at {@code /} and its sign-in; false: the API takes only the
 *                           Bearer token
 * @param maxSessions        CONSOLE_MAX_SESSIONS: signed-in browsers at once (a new one ends the least recently used)
 * @param sessionIdleMinutes CONSOLE_SESSION_IDLE_MINUTES: a session unused this long is signed out
 */
public record ConsoleSettings(boolean enabled, int maxSessions, int sessionIdleMinutes) {

    public static final int DEFAULT_MAX_SESSIONS = 100;
    public static final int DEFAULT_IDLE_MINUTES = 480;
}
