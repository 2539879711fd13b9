package io.octoflow.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When a lock is stale: its process no longer runs. That is when its pid is not alive, or now belongs to a process
 * started after the lock was taken, or is this process's pid but no store of this JVM took it (after a container
 * restart our pid is often the same as the dead process's, e.g. 1), or it was written on another host (optional),
 * or its content cannot be read.
 */
final class StaleLockPolicy {

    /** Start times are approximations (clock ticks since boot): a process is "newer" than a lock beyond this. */
    private static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(1);

    private final boolean foreignHostLocksStale;
    private final Predicate<LockInfo> heldHere;

    /**
     * @param foreignHostLocksStale whether a lock written on another host is stale (see
     *                              {@link FileLockStore#setForeignHostLocksStale(boolean)})
     * @param heldHere              whether this JVM took the lock and did not release it
     */
    StaleLockPolicy(boolean foreignHostLocksStale, Predicate<LockInfo> heldHere) {
        this.foreignHostLocksStale = foreignHostLocksStale;
        this.heldHere = heldHere;
    }

    /** Why {@code lock} is stale, for the log line; null when it is live. */
    String staleReason(LockInfo lock) {
        if (lock.pid() < 0) {
            return "unreadable lock file";
        }
        if (lock.host() != null && !lock.host().equals(ThisProcess.HOST)) {
            return foreignHostLocksStale ? "taken by pid " + lock.pid() + " on another host '" + lock.host() + "'"
                    : null;
        }
        if (lock.pid() == ThisProcess.PID) {
            return heldHere.test(lock) ? null
                    : "taken by pid " + lock.pid() + ", this process's pid, before this start";
        }
        Optional<ProcessHandle> process = ProcessHandle.of(lock.pid());
        if (process.isEmpty() || !process.get().isAlive()) {
            return "process " + lock.pid() + " is gone";
        }
        Optional<Instant> started = process.get().info().startInstant();
        if (started.isPresent() && lock.since() != null
                && started.get().isAfter(lock.since().plus(START_TIME_TOLERANCE))) {
            return "pid " + lock.pid() + " now belongs to a process started after the lock was taken";
        }
        return null;
    }
}
