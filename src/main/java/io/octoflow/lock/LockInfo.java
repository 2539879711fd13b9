package io.octoflow.lock;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One lock as a {@link LockStore} lists it.
 *
 * @param flow      the key the lock was taken for (the flow name); when the file cannot be read, the file name
 *                  without {@code .lock}
 * @param pid       the process that took the lock, {@code -1} when the file cannot be read
 * @param host      the host that process ran on, {@code null} when unknown
 * @param since     when the lock was taken (the file's modification time when the content cannot be read)
 * @param file      the lock file ({@link FileLockStore}); null in a store without files
 * @param execution the owner: the execution id that took the lock, {@code null} when none was given
 */
public record LockInfo(String flow, long pid, String host, Instant since, Path file, String execution) {

    /** A lock without an execution id. */
    public LockInfo(String flow, long pid, String host, Instant since, Path file) {
        this(flow, pid, host, since, file, null);
    }
}
