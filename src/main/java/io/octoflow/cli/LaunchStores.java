package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import io.octoflow.cluster.ClusterNode;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.DatabaseUrls;
import io.octoflow.history.JdbcExecutionRepository;
import io.octoflow.lock.FileLockStore;
import io.octoflow.lock.JdbcLockStore;
import io.octoflow.lock.LockStore;

/**
 * What {@code octoflow launch} shares with a service on the same DATA_PATH or database: the flow locks (a run never
 * overlaps the service's run of the same flow) and the execution history (the run is a row with trigger {@code cli}).
 * <ul>
 * <li>The locks are the service's store: the files of LOCK_PATH (taken with {@code O_CREAT|O_EXCL}, safe between
 * processes), or with CLUSTER=true on PostgreSQL the locks table, this process joining as a replica while it runs
 * so that its locks and rows are taken over if it dies.</li>
 * <li>The history is the service's database when it can be opened: PostgreSQL always; the embedded H2 file when no
 * other process holds it. H2 lets one process open its file, and the service keeps it open: its AUTO_SERVER mode,
 * which would let a second process in, needs H2's own shutdown hook (DB_CLOSE_ON_EXIT=TRUE), which would close the
 * database under a stopping service before it records the runs it aborts. So while a service holds the file, a
 * launch takes the flow's lock but is not recorded, and says so ({@link #note()}); its history is an in-memory
 * database, discarded at exit. Launching over the service's API records the run there.</li>
 * </ul>
 */
final class LaunchStores implements AutoCloseable {

    private final Database database;
    private final LockStore locks;
    private final ClusterNode node;
    private final Path scratchLocks;
    private final String recordedIn;
    private final String standaloneBecause;

    private LaunchStores(Database database, LockStore locks, ClusterNode node, Path scratchLocks, String recordedIn,
            String standaloneBecause) {
        this.database = database;
        this.locks = locks;
        this.node = node;
        this.scratchLocks = scratchLocks;
        this.recordedIn = recordedIn;
        this.standaloneBecause = standaloneBecause;
    }

    static LaunchStores open(OctoflowConfig config) throws IOException {
        String url = config.dbUrl();
        String why;
        if (DatabaseUrls.isEmbeddedH2File(url) && !Files.isDirectory(Path.of(DatabaseUrls.h2File(url)).getParent())) {
            // never create DATA_PATH here: a mistyped one would silently become a new, empty Octoflow
            why = "DATA_PATH " + config.dataPath() + " does not exist, so no service uses it";
        } else {
            try {
                Database shared = Database.open(writeEachCommit(url), config.dbUser(), config.dbPassword());
                return shared(config, shared, url);
            } catch (DatabaseException e) {
                why = Database.inUseByAnotherProcess(e)
                        ? "a running Octoflow holds the embedded history database " + DatabaseUrls.h2File(url)
                                + " (H2 lets one process open it); the flow's lock in LOCK_PATH is still taken."
                                + " To run it in the service and have it recorded, launch it over the API"
                                + " (POST /api/flows/launch)"
                        : e.getMessage();
            }
        }
        return standalone(config, why);
    }

    /**
     * A one-shot launch writes each commit to the H2 file at once: it has few of them, and H2 then runs no background
     * writer, a thread that an OutOfMemoryError of the run could hit, which closes the database before the run's end
     * is recorded.
     */
    private static String writeEachCommit(String url) {
        return DatabaseUrls.isEmbeddedH2File(url) && !url.toLowerCase(java.util.Locale.ROOT).contains(";write_delay=")
                ? url + ";WRITE_DELAY=0" : url;
    }

    private static LaunchStores shared(OctoflowConfig config, Database database, String url) {
        try {
            ClusterNode node = null;
            LockStore locks;
            if (config.cluster().enabled() && database.isPostgres()) {
                node = new ClusterNode(database.dataSource(), config.cluster());
                node.join();
                locks = new JdbcLockStore(database.dataSource(), node.id(), config.cluster().staleSeconds());
            } else {
                locks = new FileLockStore(config.lockPath());
            }
            locks.open();
            String where = DatabaseUrls.isEmbeddedH2File(url) ? DatabaseUrls.h2File(url) : DatabaseUrls.redact(url);
            return new LaunchStores(database, locks, node, null, where, null);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Not recorded anywhere lasting; the service's lock files still when LOCK_PATH's directory exists. */
    private static LaunchStores standalone(OctoflowConfig config, String why) throws IOException {
        Path lockPath = config.lockPath();
        Path scratch = null;
        if (!Files.isDirectory(lockPath) && (lockPath.getParent() == null || !Files.isDirectory(lockPath.getParent()))) {
            scratch = Files.createTempDirectory("octoflow-launch-locks");
            lockPath = scratch;
        }
        LockStore locks = new FileLockStore(lockPath);
        locks.open();
        Database memory = Database.open("jdbc:h2:mem:octoflow-launch-" + UUID.randomUUID(), null, null);
        return new LaunchStores(memory, locks, null, scratch, null, why);
    }

    JdbcExecutionRepository history(OctoflowConfig config) {
        return new JdbcExecutionRepository(database, JdbcExecutionRepository.DEFAULT_JSON_CAP_BYTES,
                config.historyMaxStepsPerRun(), config.historyWriteQueue(), config.historyWriteBatch());
    }

    LockStore locks() {
        return locks;
    }

    /** Cluster mode: this process's replica id, the owner of its rows; null otherwise. */
    String owner() {
        return node != null ? node.id() : null;
    }

    boolean recorded() {
        return recordedIn != null;
    }

    /** Where the run is recorded, or why it is not, for the user. */
    String note() {
        return recordedIn != null ? "recorded in the history " + recordedIn
                : "standalone, not recorded in any history: " + standaloneBecause;
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
        database.close();
        if (scratchLocks != null) {
            try (Stream<Path> files = Files.walk(scratchLocks)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory: the system cleans it
            }
        }
    }
}
