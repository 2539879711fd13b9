package io.octoflow.trigger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.database.Database;
import io.octoflow.execution.ErrorText;
import io.octoflow.logging.LogText;

/**
 * Cluster mode: forgets the files the {@code trigger: file} flows of this replica took ({@link SharedFileClaims})
 * longer ago than FILE_TRIGGER_CLAIM_RETENTION_DAYS, on the replica's own timer. A claim is kept, whatever its age,
 * while its file is still in the watched directory: the file is being run (by this replica or another; it moves
 * out only once its run ended) or could not be moved, and its claim is what keeps every replica's scan from taking it
 * again. Once the file is gone, the claim only stops a copy that comes back unchanged: that is what the retention
 * bounds.
 */
final class FileClaimsPruner implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(FileClaimsPruner.class);

    private final Database database;
    private final Duration retention;
    private final Supplier<Map<String, Path>> watched;
    private ScheduledExecutorService timer;

    /** @param watched the directory each flow of this replica watches, by flow id, now */
    FileClaimsPruner(Database database, Duration retention, Supplier<Map<String, Path>> watched) {
        this.database = database;
        this.retention = retention;
        this.watched = watched;
    }

    /** Prunes every {@code period}, the first time after one period. */
    synchronized void start(Duration period) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(run -> {
            Thread thread = new Thread(run, "octoflow-file-claims-prune");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::pruneQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pruneQuietly() {
        try {
            int forgotten = prune();
            if (forgotten > 0) {
                LOG.info("{} file(s) taken by 'trigger: file' flows over {} days ago forgotten", forgotten,
                        retention.toDays());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot forget the files 'trigger: file' flows took long ago: {}; tried again later",
                    LogText.oneLine(ErrorText.of(e)));
        }
    }

    /** The claims older than the retention whose file is no longer in its directory, deleted; how many. */
    int prune() {
        Instant before = Instant.now().minus(retention);
        int forgotten = 0;
        for (Map.Entry<String, Path> flow : watched.get().entrySet()) {
            // the directory first: a file claimed after this listing has a claim younger than the retention
            Set<String> present = fileNames(flow.getValue());
            forgotten += new SharedFileClaims(database, flow.getKey()).forget(before, key -> ofFileIn(key, present));
        }
        return forgotten;
    }

    /** Whether a claim's key (name-size-date, see FileTriggerSource) is of a file named as one of {@code names}. */
    static boolean ofFileIn(String key, Set<String> names) {
        for (int dash = key.indexOf('-'); dash > 0; dash = key.indexOf('-', dash + 1)) {
            if (names.contains(key.substring(0, dash))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> fileNames(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + directory + ": " + ErrorText.of(e), e);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
