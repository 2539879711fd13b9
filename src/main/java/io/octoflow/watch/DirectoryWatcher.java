package io.octoflow.watch;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Watches a directory tree for changes to the files a predicate selects (flow files:
 * {@code io.octoflow.flow.FlowYaml#isFlowFile}) and tells a {@link Listener}, on a daemon thread of its own that
 * is not the one watching: a listener that takes long (a large file to parse) never stops the watching.
 * <ul>
 * <li><b>The tree</b>: every subdirectory is watched; a directory created (or moved in) later is registered and the
 * matching files already in it are reported as changed; a directory deleted (or moved out) is forgotten and every
 * file known under it is reported as deleted. Symbolic links to directories are not followed. Directories whose
 * name starts with a dot are not part of the tree.</li>
 * <li><b>Kubernetes volumes</b>: a ConfigMap or Secret volume holds each file as a link through {@code ..data} to a
 * hidden directory {@code ..<timestamp>}, and updates every file at once by swapping {@code ..data}. The hidden
 * directory is skipped (its files would come twice), and a change of a {@code ..} entry scans the tree again, as
 * after an overflow, which delivers the files whose content changed.</li>
 * <li><b>Events</b>: {@link Listener#changed(Path)} for a file created, modified or moved in,
 * {@link Listener#deleted(Path)} for a known file deleted or moved out. A rename is {@code deleted(old)} then
 * {@code changed(new)}. Paths are absolute, under {@link #root()}.</li>
 * <li><b>Debounce</b>: events for one file are coalesced until it has been quiet for the debounce time (default
 * {@value #DEFAULT_DEBOUNCE_MILLIS} ms; editors write a file several times when saving it), and delivered at the
 * latest six debounce times after its first event, even when it keeps changing. What is delivered follows the file
 * as it is at that moment: a file created and deleted within the window is not reported at all, a file
 * deleted and re-created (an editor's atomic save) is one {@code changed}. Within one delivery round deletions
 * come first.</li>
 * <li><b>Overflow</b>: when the operating system drops events ({@code OVERFLOW}), the tree is scanned again and
 * compared with the known files (last-modified time and size) to deliver what was missed.</li>
 * <li><b>Start</b>: {@link #start()} registers the tree and records the files present (see {@link #knownFiles()})
 * without reporting them: the caller loads the directory itself. Events happening after {@code start()} returned
 * are delivered.</li>
 * <li><b>Robustness</b>: a listener that throws anything (a {@link StackOverflowError} or an
 * {@link OutOfMemoryError} on one hostile file included) is logged and the watcher carries on. When the root itself
 * disappears, its files are reported deleted and the watcher checks every second for it to come back.</li>
 * </ul>
 * On Linux the JDK's {@code WatchService} is inotify: events arrive within milliseconds, so a change is delivered
 * after the debounce time (well within the 2 s the drop-in directory promises). Each watched directory uses one
 * inotify watch ({@code fs.inotify.max_user_watches}).
 *
 * <p>Over 400 lines: the watch keys, the registered tree, the known files and the pending debounce are one state
 * owned by the watching thread; the rescan after an overflow compares all of them at once, so they stay in one
 * class rather than in parts that would have to share it.
 */
public final class DirectoryWatcher implements AutoCloseable {

    /** Receives the changes. Called on the watcher's delivery thread, one call at a time. */
    public interface Listener {

        /** {@code file} was created, modified, or moved into the tree. */
        void changed(Path file);

        /** {@code file}, known before, was deleted or moved out of the tree. */
        void deleted(Path file);
    }

    public static final long DEFAULT_DEBOUNCE_MILLIS = 150;

    private static final Logger LOG = LogManager.getLogger(DirectoryWatcher.class);
    private static final long ROOT_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Path root;
    private final Predicate<Path> filter;
    private final Listener listener;
    private final long debounceNanos;
    private final long maxDelayNanos;

    /** Files matching the filter as last delivered (or found at start), with their time and size. */
    private final Map<Path, FileState> known = new ConcurrentHashMap<>();
    /** Registered directories; touched by the watcher thread only once started. */
    private final Map<Path, WatchKey> directories = new HashMap<>();
    private final Map<WatchKey, Path> keys = new HashMap<>();
    /** Files with events not delivered yet. */
    private final Map<Path, Pending> pending = new HashMap<>();

    /** A {@code ..} entry changed in the last round of events (watcher thread only). */
    private boolean swapped;
    private WatchService watchService;
    private Thread thread;
    /** Calls the listener, one round at a time, so that the watching thread never waits for it. */
    private java.util.concurrent.ExecutorService delivery;
    private volatile boolean closed;

    /** A watcher with the default debounce time. */
    public DirectoryWatcher(Path root, Predicate<Path> filter, Listener listener) {
        this(root, filter, listener, Duration.ofMillis(DEFAULT_DEBOUNCE_MILLIS));
    }

    public DirectoryWatcher(Path root, Predicate<Path> filter, Listener listener, Duration debounce) {
        this.root = root.toAbsolutePath().normalize();
        this.filter = Objects.requireNonNull(filter, "filter");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("The debounce time must not be negative: " + debounce);
        }
        this.debounceNanos = debounce.toNanos();
        this.maxDelayNanos = debounceNanos * 6;
    }

    /** The watched directory, absolute. */
    public Path root() {
        return root;
    }

    /** The matching files the watcher knows of: those found at start, then as delivered. */
    public Set<Path> knownFiles() {
        return Set.copyOf(known.keySet());
    }

    /** Whether the watcher thread runs. */
    public boolean isRunning() {
        Thread current = thread;
        return current != null && current.isAlive() && !closed;
    }

    /**
     * Registers the tree, records the files in it (not delivered), and starts the watcher thread.
     *
     * @throws NoSuchFileException   when the root does not exist
     * @throws NotDirectoryException when the root is not a directory
     */
    public synchronized void start() throws IOException {
        if (thread != null || closed) {
            throw new IllegalStateException("DirectoryWatcher on " + root + " was already started");
        }
        if (!Files.exists(root)) {
            throw new NoSuchFileException(root.toString(), null, "the directory to watch does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(root.toString());
        }
        watchService = root.getFileSystem().newWatchService();
        try {
            registerTree(root, -1);
        } catch (IOException | RuntimeException e) {
            watchService.close();
            throw e;
        }
        Thread worker = new Thread(this::run, "octoflow-watch-" + root.getFileName());
        worker.setDaemon(true);
        delivery = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread deliverer = new Thread(task, "octoflow-deploy-" + root.getFileName());
            deliverer.setDaemon(true);
            return deliverer;
        });
        thread = worker;
        worker.start();
        LOG.debug("Watching {} ({} directories, {} files)", root, directories.size(), known.size());
    }

    /** Stops the watcher thread; no event is delivered once this returns (unless called by the listener). */
    @Override
    public void close() {
        Thread worker;
        java.util.concurrent.ExecutorService deliverer;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            worker = thread;
            deliverer = delivery;
            if (watchService != null) {
                try {
                    watchService.close();
                } catch (IOException e) {
                    LOG.warn("Closing the watch service of {}: {}", root, e.toString());
                }
            }
        }
        if (worker != null && worker != Thread.currentThread()) {
            try {
                worker.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (deliverer != null) {
            deliverer.shutdown();
            boolean inListener = Thread.currentThread().getName().equals("octoflow-deploy-" + root.getFileName());
            try {
                if (!inListener && !deliverer.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("The watcher of {} is still busy in its listener {} ms after close()", root,
                            CLOSE_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ the thread

    private void run() {
        while (!closed) {
            try {
                WatchKey key = nextKey();
                long now = System.nanoTime();
                boolean overflow = false;
                // take every key already signalled, so that both halves of a rename land in the same round
                while (key != null) {
                    overflow |= handle(key, now);
                    key = watchService.poll();
                }
                if (overflow) {
                    LOG.info("Events were lost in {} (overflow): scanning it again", root);
                }
                if (overflow || swapped) {
                    swapped = false;
                    rescan(now);
                }
                if (directories.isEmpty() && Files.isDirectory(root)) {
                    LOG.info("Watched directory {} is back", root);
                    registerTree(root, now);
                }
                deliverDue(System.nanoTime());
            } catch (ClosedWatchServiceException e) {
                break;
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (Exception | StackOverflowError e) {
                LOG.error("Watching {} failed; carrying on", root, e);
            }
        }
        LOG.debug("Stopped watching {}", root);
    }

    /** Waits for the next signalled key, or until the next pending file is due (then null). */
    private WatchKey nextKey() throws InterruptedException {
        long wait = Long.MAX_VALUE;
        for (Pending p : pending.values()) {
            wait = Math.min(wait, p.deadline - System.nanoTime());
        }
        if (directories.isEmpty()) {
            wait = Math.min(wait, ROOT_RETRY_NANOS);
        }
        if (wait == Long.MAX_VALUE) {
            return watchService.take();
        }
        return wait <= 0 ? watchService.poll() : watchService.poll(wait, TimeUnit.NANOSECONDS);
    }

    /** Handles one key's events; true on overflow. */
    private boolean handle(WatchKey key, long now) {
        Path dir = keys.get(key);
        boolean overflow = false;
        List<WatchEvent<?>> events = key.pollEvents();
        if (dir == null) {
            key.reset();
            return false; // a directory forgotten meanwhile
        }
        for (WatchEvent<?> event : events) {
            WatchEvent.Kind<?> kind = event.kind();
            if (kind == OVERFLOW) {
                overflow = true;
                continue;
            }
            Path child = dir.resolve((Path) event.context());
            if (isAtomicWriterEntry(child)) {
                swapped = true; // a ConfigMap/Secret volume swapped its files: compare them all
                continue;
            }
            if (kind == ENTRY_CREATE) {
                if (isHiddenDirectory(child)) {
                    continue;
                }
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        registerTree(child, now);
                    } catch (IOException e) {
                        LOG.warn("Cannot watch {}: {}", child, e.toString());
                    }
                } else if (filter.test(child)) {
                    touch(child, now);
                }
            } else if (kind == ENTRY_MODIFY) {
                if (!Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && filter.test(child)) {
                    touch(child, now);
                }
            } else if (kind == ENTRY_DELETE) {
                if (directories.containsKey(child)) {
                    forgetTree(child, now);
                }
                if (known.containsKey(child) || filter.test(child)) {
                    touch(child, now);
                }
            }
        }
        if (!key.reset() && keys.get(key) != null) {
            // the directory is gone (deleted, moved, unmounted)
            forgetTree(keys.get(key), now);
        }
        return overflow;
    }

    private void touch(Path file, long now) {
        Pending p = pending.get(file);
        if (p == null) {
            pending.put(file, new Pending(now, now + debounceNanos));
        } else {
            p.deadline = Math.min(p.first + maxDelayNanos, now + debounceNanos);
        }
    }

    /** Delivers every pending file whose time has come: deletions first, then changes. */
    private void deliverDue(long now) {
        List<Path> due = new ArrayList<>();
        for (Map.Entry<Path, Pending> entry : pending.entrySet()) {
            if (entry.getValue().deadline - now <= 0) {
                due.add(entry.getKey());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        due.sort(null);
        List<Path> deleted = new ArrayList<>();
        List<Path> changed = new ArrayList<>();
        for (Path file : due) {
            pending.remove(file);
            FileState state = FileState.of(file);
            if (state == null) {
                if (known.remove(file) != null) {
                    deleted.add(file);
                }
            } else {
                known.put(file, state);
                changed.add(file);
            }
        }
        try {
            delivery.execute(() -> {
                for (Path file : deleted) {
                    deliver(file, false);
                }
                for (Path file : changed) {
                    deliver(file, true);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: nothing is delivered any more
        }
    }

    private void deliver(Path file, boolean changed) {
        if (closed) {
            return;
        }
        try {
            if (changed) {
                listener.changed(file);
            } else {
                listener.deleted(file);
            }
        } catch (Throwable e) {
            // even an Error: it came from one file (a StackOverflowError on a deeply nested one, an
            // OutOfMemoryError whose memory is free again); rethrowing it would stop every later deployment
            LOG.error("The listener of {} failed on {} ({})", root, file, changed ? "changed" : "deleted", e);
        }
    }

    // ------------------------------------------------------------------ registration

    /**
     * Registers {@code dir} and every directory under it. With {@code now < 0} (start) the matching files are
     * recorded as known; otherwise they are marked pending, so files created before the registration are not
     * missed.
     */
    private void registerTree(Path dir, long now) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(root) && isHiddenDirectory(d)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                register(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isDirectory() && filter.test(file)) {
                    if (now < 0) {
                        FileState state = FileState.of(file);
                        if (state != null) {
                            known.put(file, state);
                        }
                    } else {
                        touch(file, now);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (!(e instanceof NoSuchFileException)) {
                    LOG.warn("Cannot watch {}: {}", file, e.toString());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    LOG.warn("Cannot watch {}: {}", d, e.toString());
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Registers {@code dir}; a failure is thrown for the root and logged for a subdirectory. */
    private void register(Path dir) throws IOException {
        if (directories.containsKey(dir)) {
            return;
        }
        try {
            WatchKey key = dir.register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
            Path previous = keys.put(key, dir);
            if (previous != null && !previous.equals(dir)) {
                directories.remove(previous, key); // same inode under a new name (a moved directory)
            }
            directories.put(dir, key);
        } catch (NoSuchFileException | NotDirectoryException e) {
            // gone already: its deletion event follows
        } catch (IOException e) {
            if (dir.equals(root)) {
                throw e;
            }
            // e.g. no permission, or fs.inotify.max_user_watches reached
            LOG.warn("Cannot watch directory {}: {}", dir, e.toString());
        }
    }

    /** Forgets {@code dir} and the directories under it; the files known under it become pending (deleted). */
    private void forgetTree(Path dir, long now) {
        List<Path> gone = new ArrayList<>();
        for (Path d : directories.keySet()) {
            if (d.startsWith(dir)) {
                gone.add(d);
            }
        }
        for (Path d : gone) {
            WatchKey key = directories.remove(d);
            if (key != null && d.equals(keys.get(key))) {
                keys.remove(key);
                key.cancel();
            }
        }
        for (Path file : known.keySet()) {
            if (file.startsWith(dir)) {
                touch(file, now);
            }
        }
        if (dir.equals(root)) {
            LOG.warn("Watched directory {} disappeared; waiting for it to come back", root);
        }
    }

    /** After an overflow: registers new directories, forgets gone ones, and marks every difference pending. */
    private void rescan(long now) {
        for (Path d : new ArrayList<>(directories.keySet())) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                forgetTree(d, now);
            }
        }
        Map<Path, FileState> found = new HashMap<>();
        if (Files.isDirectory(root)) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                        if (!d.equals(root) && isHiddenDirectory(d)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        register(d);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isDirectory() && filter.test(file)) {
                            FileState state = FileState.of(file);
                            if (state != null) {
                                found.put(file, state);
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                LOG.warn("Cannot scan {}: {}", root, e.toString());
            }
        }
        for (Path file : known.keySet()) {
            if (!found.containsKey(file)) {
                touch(file, now);
            }
        }
        for (Map.Entry<Path, FileState> entry : found.entrySet()) {
            if (!entry.getValue().equals(known.get(entry.getKey()))) {
                touch(entry.getKey(), now);
            }
        }
    }

    @Override
    public String toString() {
        return "DirectoryWatcher[" + root + "]";
    }

    /** A directory (not a link to one) named {@code .something}: not part of the watched tree. */
    static boolean isHiddenDirectory(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".")
                && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Kubernetes' atomic writer entries: {@code ..data}, {@code ..data_tmp}, {@code ..<timestamp>}. */
    static boolean isAtomicWriterEntry(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith("..");
    }

    // ------------------------------------------------------------------ state

    private static final class Pending {
        final long first;
        long deadline;

        Pending(long first, long deadline) {
            this.first = first;
            this.deadline = deadline;
        }
    }

    /** What the overflow rescan compares. */
    private record FileState(FileTime modified, long size) {

        /** The state of a regular file (links followed), null when there is none. */
        static FileState of(Path file) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                if (!attrs.isRegularFile()) {
                    return null;
                }
                return new FileState(attrs.lastModifiedTime(), attrs.size());
            } catch (IOException e) {
                return null;
            }
        }
    }
}
