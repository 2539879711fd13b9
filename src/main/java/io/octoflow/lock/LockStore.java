package io.octoflow.lock;

import java.util.List;
import java.util.Optional;

/**
 * Where the flow locks live: at most one run of a flow holds its lock at a time. A lock has an owner (the id of
 * the execution that took it), and a run's end releases only a lock it still owns: once an operator forced a lock
 * away ({@code DELETE /api/locks/{flow}}) and another run took it, the old run's end leaves the new lock alone.
 * <p>
 * The default store is {@link FileLockStore} (one file per lock under {@code LOCK_PATH}); Camel routes use a store
 * through {@link LockIdempotentRepository}. A store for several replicas (a table in PostgreSQL, say) is one more
 * class implementing this interface.
 */
public interface LockStore {

    /**
     * Makes the store usable (a directory, a table...) and, on the first call only, applies the stale-lock policy
     * ({@link #removeStale()}): locks left by a process that no longer runs are removed. Later calls do nothing.
     */
    void open();

    /**
     * Takes the lock of {@code flow} for {@code owner}.
     *
     * @param owner the execution id that takes it; null for a lock without an owner
     * @return true when this call took the lock, false when it is held
     * @throws java.io.UncheckedIOException (or another runtime exception) when the store cannot be written: the
     *                                      caller must not run
     */
    boolean take(String flow, String owner);

    /**
     * Releases the lock of {@code flow} when {@code owner} holds it (null matches a lock without an owner).
     *
     * @return true when a lock was released; false when there is none or another owner holds it
     */
    boolean release(String flow, String owner);

    /** Releases the lock of {@code flow} whoever holds it (an operator's unlock); true when one was released. */
    boolean forceRelease(String flow);

    /** Releases every lock of the store; returns how many were released. */
    int releaseAll();

    /**
     * Releases the locks this process took, at a clean stop once its runs ended. A store shared by several replicas
     * ({@link JdbcLockStore}) keeps the other replicas' locks; a store of one process releases them all.
     */
    default int releaseHeldHere() {
        return releaseAll();
    }

    /** Whether the lock of {@code flow} is held, by anyone. */
    boolean isHeld(String flow);

    /** The lock of {@code flow}, when held. */
    Optional<LockInfo> get(String flow);

    /** Every lock held, sorted by flow. */
    List<LockInfo> list();

    /** How many locks are held (the {@code octoflow_locks_held} gauge). */
    int count();

    /**
     * The stale-lock policy: removes every lock whose owning process is gone, logging one line per lock.
     *
     * @return how many locks were removed
     */
    int removeStale();
}
