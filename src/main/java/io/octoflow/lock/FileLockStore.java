package io.octoflow.lock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The default lock store: one lock file per flow in a directory ({@code LOCK_PATH}).
 * <p>
 * A lock is the file {@link LockFileNames {@code <slug>.lock}}, created with {@code CREATE_NEW} (one atomic
 * {@code open(O_CREAT|O_EXCL)}: of two racing callers, in this JVM or in another process, exactly one wins), holding
 * the JSON of {@link LockFileFormat} with the owner as {@code execution}. A release by owner reads the file and
 * deletes it only when the owner matches; in this JVM that check and a new take of the same lock are ordered by one
 * monitor, so an old run's end can never delete the lock a newer run took after a forced unlock.
 * <p>
 * Locks belong to the process that took them. The first {@link #open()} creates the directory and applies the
 * {@link StaleLockPolicy} (one log line per lock removed). Nothing is released when a route using the store stops:
 * a service that stops for good calls {@link #releaseHeldHere()} once its runs ended, which leaves the locks of other
 * processes sharing {@code LOCK_PATH} (an {@code octoflow launch} still running) alone. Every operation works whether
 * the store was opened or not (the directory is created when missing).
 */
public final class FileLockStore implements LockStore {

    /** File name suffix of every lock. */
    public static final String SUFFIX = LockFileNames.SUFFIX;

    private static final Logger LOG = LogManager.getLogger(FileLockStore.class);

    /** Lock files taken by any store of this JVM and not released since: a lock with our own pid is live only then. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    /**
     * What this JVM wrote into each lock file it holds, by owner: a release by that owner that reads back exactly
     * these bytes deletes the file without parsing it (the file is ours, unchanged). Anything else is parsed.
     */
    private static final Map<Path, Written> WRITTEN = new ConcurrentHashMap<>();

    private record Written(String owner, byte[] content) {
    }

    /** Orders "create + remember" in {@link #take} against the own-pid check of {@link #removeStale}. */
    private static final ReadWriteLock HELD_GUARD = new ReentrantReadWriteLock();
    /** Orders a release by owner (read, compare, delete) against a take of the same file, in this JVM. */
    private static final Object[] STRIPES = new Object[64];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new Object();
        }
    }

    /** Lock keys are flow ids: bounded by the flows deployed; the bound only guards against a flood of odd keys. */
    private static final int MAX_FILES = 100_000;

    private final Path directory;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    private final AtomicBoolean opened = new AtomicBoolean();
    private volatile boolean foreignHostLocksStale = true;

    public FileLockStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The lock directory. */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Whether the stale-lock policy removes locks written on another host (default true). The file store is meant for
     * one process owning {@code LOCK_PATH}; in a container the host name changes with every restart, so a lock from
     * another host is one left by an earlier container. Set to false when several hosts share the directory.
     */
    public void setForeignHostLocksStale(boolean foreignHostLocksStale) {
        this.foreignHostLocksStale = foreignHostLocksStale;
    }

    public boolean isForeignHostLocksStale() {
        return foreignHostLocksStale;
    }

    @Override
    public void open() {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IllegalStateException("The lock directory " + directory + " is not a directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the lock directory " + directory + ": " + e, e);
        }
        if (opened.compareAndSet(false, true)) {
            removeStale();
        }
    }

    @Override
    public boolean take(String flow, String owner) {
        Path file = fileFor(flow);
        byte[] content = LockFileFormat.content(flow, owner);
        synchronized (stripe(file)) {
            HELD_GUARD.readLock().lock();
            try {
                boolean created;
                try {
                    created = create(file, content);
                } catch (NoSuchFileException e) {
                    Files.createDirectories(directory); // deleted while running
                    created = create(file, content);
                }
                if (created) {
                    HELD.add(file);
                    WRITTEN.put(file, new Written(owner, content));
                    LOG.debug("Lock taken: flow '{}' ({}) by {}", flow, file, owner);
                }
                return created;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create lock file " + file + " for flow '" + flow + "': " + e,
                        e);
            } finally {
                HELD_GUARD.readLock().unlock();
            }
        }
    }

    /** Creates the lock file: true when created, false when it exists (then it is not ours to touch). */
    private static boolean create(Path file, byte[] content) throws IOException {
        SeekableByteChannel channel;
        try {
            channel = Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        try (channel) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException | RuntimeException e) {
            // created but not written (disk full...): do not leave a lock nobody holds
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return true;
    }

    @Override
    public boolean release(String flow, String owner) {
        Path file = fileFor(flow);
        synchronized (stripe(file)) {
            Written written = WRITTEN.get(file);
            if (written != null && Objects.equals(written.owner(), owner)) {
                try {
                    if (Arrays.equals(Files.readAllBytes(file), written.content())) {
                        return delete(file);
                    }
                } catch (NoSuchFileException e) {
                    WRITTEN.remove(file);
                    return false;
                } catch (IOException e) {
                    // read again below, with the error it gives
                }
            }
            Optional<LockInfo> lock = LockFileFormat.read(file);
            if (lock.isEmpty()) {
                return false;
            }
            if (!Objects.equals(lock.get().execution(), owner)) {
                LOG.info("Lock of flow '{}' left in place: execution {} holds it now, not {} ({})", flow,
                        lock.get().execution(), owner, file);
                return false;
            }
            return delete(file);
        }
    }

    @Override
    public boolean forceRelease(String flow) {
        Path file = fileFor(flow);
        boolean deleted;
        synchronized (stripe(file)) {
            deleted = delete(file);
        }
        if (deleted) {
            LOG.info("Lock of flow '{}' released ({})", flow, file);
        }
        return deleted;
    }

    @Override
    public int releaseAll() {
        int count = 0;
        for (Path file : lockFiles()) {
            if (delete(file)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Releases the locks this JVM took here and still holds, written with its pid and host: a service's clean stop
     * must not free the lock of an {@code octoflow launch} running in another process on the same {@code LOCK_PATH}.
     */
    @Override
    public int releaseHeldHere() {
        int count = 0;
        for (Path file : lockFiles()) {
            if (HELD.contains(file) && LockFileFormat.read(file).filter(lock -> lock.pid() == currentPid()
                    && currentHost().equals(lock.host())).isPresent() && delete(file)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean isHeld(String flow) {
        return Files.exists(fileFor(flow));
    }

    @Override
    public Optional<LockInfo> get(String flow) {
        return LockFileFormat.read(fileFor(flow));
    }

    @Override
    public List<LockInfo> list() {
        List<LockInfo> locks = new ArrayList<>();
        for (Path file : lockFiles()) {
            LockFileFormat.read(file).ifPresent(locks::add);
        }
        locks.sort(Comparator.comparing(LockInfo::flow).thenComparing(LockInfo::file));
        return locks;
    }

    @Override
    public int count() {
        return lockFiles().size();
    }

    @Override
    public int removeStale() {
        StaleLockPolicy policy = new StaleLockPolicy(foreignHostLocksStale, lock -> HELD.contains(lock.file()));
        int removed = 0;
        HELD_GUARD.writeLock().lock();
        try {
            for (Path file : lockFiles()) {
                Optional<LockInfo> lock = LockFileFormat.read(file);
                if (lock.isEmpty()) {
                    continue; // vanished meanwhile
                }
                String reason = policy.staleReason(lock.get());
                if (reason != null && delete(file)) {
                    removed++;
                    LOG.info("Removed stale lock of flow '{}': {} ({})", lock.get().flow(), reason, file);
                }
            }
        } finally {
            HELD_GUARD.writeLock().unlock();
        }
        return removed;
    }

    /** The lock file of {@code flow} (its name, a slug and perhaps a SHA-256, made once per key). */
    public Path fileFor(String flow) {
        Path file = flow == null ? null : files.get(flow);
        if (file == null) {
            file = directory.resolve(LockFileNames.of(flow));
            if (files.size() < MAX_FILES) {
                files.put(flow, file);
            }
        }
        return file;
    }

    /** The lock file name of {@code flow}: a safe slug, plus a hash of the key when slugging changed it. */
    public static String fileName(String flow) {
        return LockFileNames.of(flow);
    }

    /** This process's pid as written in lock files. */
    public static long currentPid() {
        return ThisProcess.PID;
    }

    /** This host's name as written in lock files. */
    public static String currentHost() {
        return ThisProcess.HOST;
    }

    private static Object stripe(Path file) {
        return STRIPES[Math.floorMod(file.hashCode(), STRIPES.length)];
    }

    private boolean delete(Path file) {
        HELD_GUARD.readLock().lock();
        try {
            HELD.remove(file);
            WRITTEN.remove(file);
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete lock file " + file + ": " + e, e);
        } finally {
            HELD_GUARD.readLock().unlock();
        }
    }

    private List<Path> lockFiles() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        } catch (NoSuchFileException e) {
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list lock directory " + directory + ": " + e, e);
        }
        files.sort(null);
        return files;
    }

    @Override
    public String toString() {
        return "FileLockStore[" + directory + "]";
    }
}
