package io.octoflow.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Sessions expire when idle, are bounded (the least recently used goes), and end on sign-out. */
class ConsoleSessionsTest {

    private final AtomicLong now = new AtomicLong();
    private final ConsoleSessions sessions = new ConsoleSessions(2, Duration.ofHours(8), now::get);

    private static String cookie(ConsoleSessions.Session s) {
        return "other=1; " + ConsoleSessions.COOKIE + "=" + s.id();
    }

    @Test
    void anIdleSessionExpiresAndAUsedOneLives() {
        ConsoleSessions.Session used = sessions.create();
        ConsoleSessions.Session idle = sessions.create();
        now.addAndGet(Duration.ofHours(5).toNanos());
        assertThat(sessions.find(cookie(used))).contains(used);
        now.addAndGet(Duration.ofHours(4).toNanos());
        assertThat(sessions.find(cookie(used))).contains(used);
        assertThat(sessions.find(cookie(idle))).isEmpty();
    }

    @Test
    void beyondTheBoundTheLeastRecentlyUsedSessionEnds() {
        ConsoleSessions.Session first = sessions.create();
        ConsoleSessions.Session second = sessions.create();
        sessions.find(cookie(first)); // first is now the more recently used
        ConsoleSessions.Session third = sessions.create();
        assertThat(sessions.size()).isEqualTo(2);
        assertThat(sessions.find(cookie(second))).isEmpty();
        assertThat(sessions.find(cookie(first))).contains(first);
        assertThat(sessions.find(cookie(third))).contains(third);
    }

    @Test
    void signOutEndsTheSessionAndTheCsrfTokenIsCompared() {
        ConsoleSessions.Session s = sessions.create();
        assertThat(s.csrfMatches(s.csrf())).isTrue();
        assertThat(s.csrfMatches(s.id())).isFalse();
        assertThat(s.csrfMatches(null)).isFalse();
        sessions.remove(cookie(s));
        assertThat(sessions.find(cookie(s))).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find(ConsoleSessions.COOKIE + "=")).isEmpty();
    }
}
