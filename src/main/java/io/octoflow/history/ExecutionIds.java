package io.octoflow.history;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Execution ids: UUIDs of version 7 (RFC 9562), in the same 36-character form as before ({@code
 * 0193f5c2-7a1e-7c3d-9f01-5b2e8d4a6c10}), but time-ordered: the first 48 bits are the Unix time in milliseconds,
 * the next 12 a counter that orders the ids of one millisecond, the last 62 random.
 *
 * <p>Why: the history's indexes on the id ({@code executions}' primary key, {@code execution_steps}' (execution_id,
 * seq)) then receive each new run at their right edge, so a batch of runs dirties one B-tree leaf per index instead
 * of one random leaf per run, and H2 writes one leaf into its next chunk instead of dozens (issue 17, fourth
 * session, in docs/BENCHMARKS.md). Within this process the ids are strictly increasing, also across threads;
 * across processes they are unique by their 62 random bits (from a {@link SecureRandom}, as
 * {@link UUID#randomUUID()}), so they stay as hard to guess as before but for the time they show.
 */
public final class ExecutionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The last (milliseconds << 12 | counter) handed out: the next is above it. */
    private static final AtomicLong LAST = new AtomicLong();

    private ExecutionIds() {
    }

    /** A new execution id: a version-7 UUID string, above every id this process gave before. */
    public static String next() {
        return nextUuid().toString();
    }

    /** A new version-7 UUID, above every one this process gave before. */
    public static UUID nextUuid() {
        long stamp = stamp(System.currentTimeMillis());
        long random = RANDOM.nextLong();
        long high = (stamp >>> 12) << 16 | 0x7000L | (stamp & 0xFFFL); // unix_ts_ms (48) | ver 7 | counter (12)
        long low = random & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L; // variant 10 | 62 random bits
        return new UUID(high, low);
    }

    /**
     * The time and counter of the next id: this millisecond with counter 0, or, when ids of this millisecond (or of a
     * later one, after the clock stepped back or the counter ran over) were given already, one above the last.
     */
    static long stamp(long nowMillis) {
        long candidate = nowMillis << 12;
        return LAST.accumulateAndGet(candidate, (last, now) -> Math.max(last + 1, now));
    }

    /** The milliseconds since the epoch of a version-7 id, or -1 when {@code id} is not one (an older run's v4). */
    public static long millis(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.version() == 7 ? uuid.getMostSignificantBits() >>> 16 : -1;
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
    }
}
