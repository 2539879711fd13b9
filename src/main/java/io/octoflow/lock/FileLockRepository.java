package io.octoflow.lock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The default lock store: one lock file per flow in a directory ({@code LOCK_PATH}), used as the repository of
 * Camel's idempotent consumer so that a flow never runs twice at once.
 *
 * <h2>Files</h2>
 * A lock is the file {@code <slug>.lock}, created with {@code CREATE_NEW} (one atomic {@code open(O_CREAT|O_EXCL)}:
 * of two racing callers, in this JVM or in another process, exactly one wins). The slug keeps the key's
 * characters {@code [a-z0-9._-]}; anything else is replaced by {@code _}, upper case is lowered, a leading dot is
 * replaced and the name is cut at 80 characters. Whenever that changed the key (or when the key itself ends like
 * a hash suffix), {@code -} and 12 hex digits of the key's SHA-256 are appended, so different keys never share a
 * file: {@code a_b} is {@code a_b.lock}, {@code a/b} is {@code a_b-<hash>.lock}, and {@code Flow} and {@code flow}
 * stay apart on case-insensitive file systems too. The content is a small JSON object:
 * {@code {"flow", "pid", "host", "since", "execution"?}}.
 *
 * <h2>As an idempotent repository</h2>
 * {@link #add(String)} takes the lock (false when it is held), {@link #contains(String)} tells whether it is held,
 * and <b>both {@link #remove(String)} and {@link #confirm(String)} release it</b>. A normal idempotent repository
 * keeps a confirmed key forever (that is what de-duplication means); a lock must drop it when the run ends.
 * <p>
 * What Camel 4.17's {@code IdempotentConsumer} does (read from its code, {@code IdempotentConsumer} and
 * {@code IdempotentOnCompletion} in camel-core-processor, and checked by {@code FileLockRepositoryCamelTest}), and
 * therefore the options a flow route sets:
 * <pre>{@code
 * from("direct:flow-x")
 *     .idempotentConsumer(header("flow"), repository)
 *         .eager(true)            // add() BEFORE the block runs: the atomic file creation is the lock.
 *                                 // eager(false) only calls contains() before and add() + confirm() after
 *                                 // the block: two runs both find the key absent and overlap.
 *         .removeOnFailure(true)  // a failed run calls remove(), also when onException handled the failure.
 *                                 // With false a failed run keeps its lock for good.
 *         .completionEager(true)  // release when the BLOCK ends. With false the release waits for the end of
 *                                 // the exchange's unit of work: the lock is still held while the steps after
 *                                 // end() run (and for as long as a caller's unit of work lasts).
 *         .skipDuplicate(true)    // a locked flow's exchange skips the block. With false the block runs anyway
 *                                 // AND its completion calls confirm(), releasing the lock the first run holds.
 *         .process(runTheFlow)
 *     .end()
 *     .process(recordSkippedWhen(exchangeProperty(Exchange.DUPLICATE_MESSAGE)));
 * }</pre>
 * With eager add Camel never calls {@code add} again: on success it calls {@code confirm(key)}, on failure
 * {@code remove(key)}, and this class releases the lock in both. A skipped exchange has the exchange property
 * {@link Exchange#DUPLICATE_MESSAGE} ({@code "CamelDuplicateMessage"}) set to {@code true}, is not failed, and goes
 * on with the processors after {@code end()}: that is where a trigger records "skipped" or the API answers 409.
 * A repository whose {@code add} throws (lock directory not writable) fails the exchange before the block runs.
 * Camel's defaults are eager, removeOnFailure and skipDuplicate true, completionEager false; with them a classic
 * repository (e.g. {@code MemoryIdempotentRepository}) keeps the key after a successful run and blocks every later
 * run, which is why the lock needs this class's releasing {@code confirm} and, to release at the block's end,
 * {@code completionEager(true)}. Set all four explicitly.
 * <p>
 * {@link #add(Exchange, String)} writes the exchange property {@value #EXECUTION_ID_PROPERTY} (when set) into the
 * lock as its execution id; {@link #add(String, String)} does the same outside Camel.
 *
 * <h2>Lifecycle and stale locks</h2>
 * Locks belong to the process that took them. The first {@link #start()} of a repository creates the directory
 * and calls {@link #removeStale()}, which deletes every lock whose process is gone (logging one line per lock);
 * later starts do nothing. This matters because the idempotent consumer starts its repository with its route and,
 * when <em>any</em> route using it is removed, stops it, shuts it down and removes it from the context's services;
 * the next route using it starts it again. A repository shared by all flows must not drop the locks of the flows
 * still running when one flow is swapped. For the same reason {@link #stop()} releases nothing:
 * a service that stops for good calls {@link #releaseAll()} once its runs ended. The operations work whether the
 * service is started or not.
 */
public class FileLockRepository extends ServiceSupport implements IdempotentRepository {

    /** Exchange property whose value {@link #add(Exchange, String)} writes as the lock's execution id. */
    public static final String EXECUTION_ID_PROPERTY = "OctoflowExecutionId";

    /** File name suffix of every lock. */
    public static final String SUFFIX = ".lock";

    private static final Logger LOG = LogManager.getLogger(FileLockRepository.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SLUG = 80;
    private static final int HASH_HEX = 12;
    private static final Pattern HASH_LIKE_ENDING = Pattern.compile(".*-[0-9a-f]{" + HASH_HEX + "}");
    /** Start times are approximations (clock ticks since boot): a process is "newer" than a lock beyond this. */
    private static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(1);

    private static final long PID = ProcessHandle.current().pid();
    private static final String HOST = hostName();

    /**
     * Lock files taken by any repository of this JVM and not released since: a lock with our own pid is live only
     * when it is in here (after a container restart our pid is often the same as the dead process's, e.g. 1).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    /** Orders "create + remember" in {@link #add} against the own-pid check of {@link #removeStale}. */
    private static final ReadWriteLock HELD_GUARD = new ReentrantReadWriteLock();

    private final Path directory;
    private final AtomicBoolean staleRemoved = new AtomicBoolean();
    private volatile boolean foreignHostLocksStale = true;
    private volatile String executionIdProperty = EXECUTION_ID_PROPERTY;

    public FileLockRepository(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The lock directory. */
    public Path getDirectory() {
        return directory;
    }

    /**
     * Whether {@link #removeStale()} removes locks written on another host (default true). The file store is
     * meant for one process owning {@code LOCK_PATH}; in a container the host name changes with every restart, so a
     * lock from another host is one left by an earlier container. Set to false when several hosts share the
     * directory (the cluster store is PostgreSQL).
     */
    public void setForeignHostLocksStale(boolean foreignHostLocksStale) {
        this.foreignHostLocksStale = foreignHostLocksStale;
    }

    public boolean isForeignHostLocksStale() {
        return foreignHostLocksStale;
    }

    /** Exchange property read by {@link #add(Exchange, String)}; default {@value #EXECUTION_ID_PROPERTY}. */
    public void setExecutionIdProperty(String executionIdProperty) {
        this.executionIdProperty = executionIdProperty;
    }

    public String getExecutionIdProperty() {
        return executionIdProperty;
    }

    // ---------------------------------------------------------------- IdempotentRepository

    /** Takes the lock for {@code key}: true when this call created the lock file, false when it is held. */
    @Override
    public boolean add(String key) {
        return add(key, null);
    }

    /** Takes the lock like {@link #add(String)}, with the exchange property {@link #getExecutionIdProperty()}. */
    @Override
    public boolean add(Exchange exchange, String key) {
        String property = executionIdProperty;
        String executionId = property == null ? null : exchange.getProperty(property, String.class);
        return add(key, executionId);
    }

    /**
     * Takes the lock for {@code key}, writing {@code executionId} (may be null) into the lock file.
     *
     * @return true when this call created the lock, false when the lock is held
     * @throws UncheckedIOException when the file cannot be created for another reason than existing: the caller
     *                              must not run (Camel fails the exchange)
     */
    public boolean add(String key, String executionId) {
        Path file = fileFor(key);
        byte[] content = content(key, executionId);
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
                LOG.debug("Lock taken: flow '{}' ({})", key, file);
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create lock file " + file + " for flow '" + key + "': " + e, e);
        } finally {
            HELD_GUARD.readLock().unlock();
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

    /** Whether the lock for {@code key} is held (by any process). */
    @Override
    public boolean contains(String key) {
        return Files.exists(fileFor(key));
    }

    /** Releases the lock for {@code key}; Camel calls this when a run failed. True when a lock file was deleted. */
    @Override
    public boolean remove(String key) {
        return delete(fileFor(key));
    }

    /** Releases the lock for {@code key}; Camel calls this when a run succeeded. True when a lock file was deleted. */
    @Override
    public boolean confirm(String key) {
        return delete(fileFor(key));
    }

    /** Deletes every lock file in the directory. */
    @Override
    public void clear() {
        releaseAll();
    }

    // ---------------------------------------------------------------- extra API

    /** Releases the lock of {@code flow} whoever holds it (the API's {@code DELETE /api/locks/{flow}}). */
    public boolean release(String flow) {
        boolean deleted = delete(fileFor(flow));
        if (deleted) {
            LOG.info("Lock of flow '{}' released ({})", flow, fileFor(flow));
        }
        return deleted;
    }

    /** Deletes every lock file in the directory; returns how many were deleted. */
    public int releaseAll() {
        int count = 0;
        for (Path file : lockFiles()) {
            if (delete(file)) {
                count++;
            }
        }
        return count;
    }

    /** How many lock files the directory holds (the {@code octoflow_locks_held} gauge). */
    public int count() {
        return lockFiles().size();
    }

    /** The locks in the directory, sorted by flow name. */
    public List<LockInfo> list() {
        List<LockInfo> locks = new ArrayList<>();
        for (Path file : lockFiles()) {
            read(file).ifPresent(locks::add);
        }
        locks.sort(Comparator.comparing(LockInfo::flow).thenComparing(LockInfo::file));
        return locks;
    }

    /** The lock of {@code flow}, when held. */
    public Optional<LockInfo> get(String flow) {
        return read(fileFor(flow));
    }

    /**
     * Deletes every lock left by a process that no longer runs: its pid is not alive, or now belongs to a process
     * started after the lock was taken, or is this process's pid but no repository of this JVM took it (a previous
     * container run had the same pid), or it was written on another host (see
     * {@link #setForeignHostLocksStale(boolean)}), or its content cannot be read. Logs one line per removed lock.
     *
     * @return the number of locks removed
     */
    public int removeStale() {
        int removed = 0;
        HELD_GUARD.writeLock().lock();
        try {
            for (Path file : lockFiles()) {
                Optional<LockInfo> lock = read(file);
                if (lock.isEmpty()) {
                    continue; // vanished meanwhile
                }
                String reason = staleReason(lock.get());
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

    private String staleReason(LockInfo lock) {
        if (lock.pid() < 0) {
            return "unreadable lock file";
        }
        if (lock.host() != null && !lock.host().equals(HOST)) {
            return foreignHostLocksStale ? "taken by pid " + lock.pid() + " on another host '" + lock.host() + "'"
                    : null;
        }
        if (lock.pid() == PID) {
            return HELD.contains(lock.file()) ? null
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

    // ---------------------------------------------------------------- service

    /** Creates the directory and, on the first start only, removes stale locks. */
    @Override
    protected void doStart() throws Exception {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IllegalStateException("The lock directory " + directory + " is not a directory");
        }
        Files.createDirectories(directory);
        if (staleRemoved.compareAndSet(false, true)) {
            removeStale();
        }
    }

    /** Releases nothing: see the class documentation. */
    @Override
    protected void doStop() {
        // locks of running flows must survive a route's removal, which stops a shared repository
    }

    // ---------------------------------------------------------------- files

    /** The lock file of {@code key}. */
    public Path fileFor(String key) {
        return directory.resolve(fileName(key));
    }

    /** The lock file name of {@code key}: a safe slug, plus a hash of the key when slugging changed it. */
    public static String fileName(String key) {
        if (key == null) {
            throw new IllegalArgumentException("A lock key must not be null");
        }
        StringBuilder slug = new StringBuilder(Math.min(key.length(), MAX_SLUG));
        for (int i = 0; i < key.length() && slug.length() < MAX_SLUG; i++) {
            char c = key.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && slug.length() > 0)) {
                slug.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                slug.append(Character.toLowerCase(c));
            } else {
                slug.append('_');
            }
        }
        String name = slug.toString();
        boolean changed = name.isEmpty() || !name.equals(key) || HASH_LIKE_ENDING.matcher(key).matches();
        if (name.isEmpty()) {
            name = "_";
        }
        return (changed ? name + "-" + hash(key) : name) + SUFFIX;
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private boolean delete(Path file) {
        HELD_GUARD.readLock().lock();
        try {
            HELD.remove(file);
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

    private static byte[] content(String key, String executionId) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("flow", key);
        json.put("pid", PID);
        json.put("host", HOST);
        json.put("since", Instant.now().toString());
        if (executionId != null) {
            json.put("execution", executionId);
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a lock file; empty when it does not exist (any more). */
    private static Optional<LockInfo> read(Path file) {
        byte[] bytes;
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(file).toInstant();
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read lock file " + file + ": " + e, e);
        }
        String fileName = file.getFileName().toString();
        String fallbackFlow = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            JsonNode json = JSON.readTree(bytes);
            if (json == null || !json.isObject() || !json.path("pid").canConvertToLong()
                    || !json.path("flow").isTextual()) {
                return Optional.of(new LockInfo(fallbackFlow, -1, null, modified, file, null));
            }
            Instant since = modified;
            if (json.path("since").isTextual()) {
                try {
                    since = Instant.parse(json.get("since").asText());
                } catch (DateTimeParseException e) {
                    // keep the file time
                }
            }
            return Optional.of(new LockInfo(json.get("flow").asText(), json.get("pid").asLong(),
                    json.path("host").isTextual() ? json.get("host").asText() : null, since, file,
                    json.path("execution").isTextual() ? json.get("execution").asText() : null));
        } catch (IOException e) {
            return Optional.of(new LockInfo(fallbackFlow, -1, null, modified, file, null));
        }
    }

    private static String hostName() {
        try {
            // the kernel's node name: what `hostname` prints, the pod name in Kubernetes, same for every process
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** This process's pid as written in lock files. */
    public static long currentPid() {
        return PID;
    }

    /** This host's name as written in lock files. */
    public static String currentHost() {
        return HOST;
    }

    @Override
    public String toString() {
        return "FileLockRepository[" + directory + "]";
    }
}
