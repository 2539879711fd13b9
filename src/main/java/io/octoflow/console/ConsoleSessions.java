package io.octoflow.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The web console's signed-in browsers: server-side sessions named by a random id in the {@value #COOKIE} cookie,
 * each with its own CSRF token. In memory (a restart signs everyone out), at most {@code max} of them (a new one
 * ends the least recently used), and one unused for {@code idle} is gone. Only a hash of each id is kept, so the
 * lookup's timing says nothing about the ids.
 */
public final class ConsoleSessions {

    public static final String COOKIE = "octoflow_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** A signed-in browser: its cookie value and the token its changing requests must echo. */
    public record Session(String id, String csrf) {

        /** Whether {@code presented} is this session's CSRF token (constant time). */
        public boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    presented.trim().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Entry {
        final Session session;
        long lastUsed;

        Entry(Session session, long lastUsed) {
            this.session = session;
            this.lastUsed = lastUsed;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final int max;
    private final long idleNanos;
    private final LongSupplier clock;
    // access order: the first entry is the least recently used
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public ConsoleSessions(int max, Duration idle) {
        this(max, idle, System::nanoTime);
    }

    ConsoleSessions(int max, Duration idle, LongSupplier nanoClock) {
        if (max < 1) {
            throw new IllegalArgumentException("max sessions must be at least 1, not " + max);
        }
        this.max = max;
        this.idleNanos = idle.toNanos();
        this.clock = nanoClock;
    }

    /** A new session (the least recently used one ends when there are already {@code max}). */
    public synchronized Session create() {
        expire();
        while (sessions.size() >= max) {
            Iterator<Map.Entry<String, Entry>> oldest = sessions.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Session session = new Session(randomToken(), randomToken());
        sessions.put(hash(session.id()), new Entry(session, clock.getAsLong()));
        return session;
    }

    /** The live session a {@code Cookie} header names, touched; empty when none (unknown, expired, signed out). */
    public synchronized Optional<Session> find(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id == null) {
            return Optional.empty();
        }
        expire();
        Entry entry = sessions.get(hash(id));
        if (entry == null) {
            return Optional.empty();
        }
        entry.lastUsed = clock.getAsLong();
        return Optional.of(entry.session);
    }

    /** Ends the session a {@code Cookie} header names, if any. */
    public synchronized void remove(String cookieHeader) {
        String id = cookie(cookieHeader);
        if (id != null) {
            sessions.remove(hash(id));
        }
    }

    public synchronized int size() {
        expire();
        return sessions.size();
    }

    /** Whether a {@code Cookie} header carries a console session cookie at all (live or not). */
    public static boolean presented(String cookieHeader) {
        return cookie(cookieHeader) != null;
    }

    /** The value of {@value #COOKIE} in a {@code Cookie} header; null when absent. */
    static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String pair = part.trim();
            if (pair.startsWith(COOKIE + "=")) {
                String value = pair.substring(COOKIE.length() + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private void expire() {
        long now = clock.getAsLong();
        sessions.values().removeIf(entry -> now - entry.lastUsed > idleNanos);
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
