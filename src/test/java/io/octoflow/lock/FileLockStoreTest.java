package io.octoflow.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLockStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<FileLockStore> repositories = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.of(FileLockStore.class);
    }

    @AfterEach
    void cleanUp() {
        log.close();
        repositories.forEach(FileLockStore::releaseAll);
            }

    private FileLockStore repository() {
        FileLockStore repository = new FileLockStore(dir.resolve("locks"));
        repositories.add(repository);
        return repository;
    }

    @Test
    void takeIsHeldReleaseReleaseAll() throws IOException {
        FileLockStore repository = repository();
        assertThat(repository.isHeld("report")).isFalse();

        assertThat(repository.take("report", null)).isTrue();
        assertThat(repository.isHeld("report")).isTrue();
        assertThat(dir.resolve("locks/report.lock")).isRegularFile();
        assertThat(repository.take("report", null)).as("held").isFalse();

        assertThat(repository.release("report", null)).as("released").isTrue();
        assertThat(repository.isHeld("report")).isFalse();
        assertThat(dir.resolve("locks/report.lock")).doesNotExist();
        assertThat(repository.release("report", null)).as("nothing left to release").isFalse();

        assertThat(repository.take("report", null)).isTrue();
        assertThat(repository.release("report", null)).as("released again").isTrue();
        assertThat(repository.isHeld("report")).isFalse();
        assertThat(repository.release("report", null)).isFalse();

        assertThat(repository.take("a", null)).isTrue();
        assertThat(repository.take("b", null)).isTrue();
        Files.writeString(dir.resolve("locks/not-a-lock.txt"), "kept");
        repository.releaseAll();
        assertThat(repository.list()).isEmpty();
        assertThat(repository.isHeld("a")).isFalse();
        assertThat(repository.isHeld("b")).isFalse();
        assertThat(dir.resolve("locks/not-a-lock.txt")).as("only lock files are cleared").exists();
        assertThat(repository.take("a", null)).isTrue();
    }

    @Test
    void forceReleaseAndReleaseAll() {
        FileLockStore repository = repository();
        repository.take("one", null);
        repository.take("two", null);
        repository.take("three", null);
        assertThat(repository.forceRelease("two")).isTrue();
        assertThat(repository.forceRelease("two")).isFalse();
        assertThat(repository.list()).extracting(LockInfo::flow).containsExactly("one", "three");
        assertThat(repository.releaseAll()).isEqualTo(2);
        assertThat(repository.releaseAll()).isZero();
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void lockFileContentAndList() throws IOException {
        FileLockStore repository = repository();
        Instant before = Instant.now();
        assertThat(repository.take("nightly/export", "exec-42")).isTrue();
        assertThat(repository.take("hourly", null)).isTrue();
        Instant after = Instant.now();

        Path file = repository.fileFor("nightly/export");
        Map<?, ?> json = JSON.readValue(file.toFile(), Map.class);
        assertThat(new ArrayList<Object>(json.keySet())).containsExactly("flow", "pid", "host", "since", "execution");
        assertThat(json.get("flow")).isEqualTo("nightly/export");
        assertThat(((Number) json.get("pid")).longValue()).isEqualTo(ProcessHandle.current().pid());
        assertThat(json.get("host")).isEqualTo(FileLockStore.currentHost());
        assertThat(Instant.parse((String) json.get("since"))).isBetween(before, after);
        assertThat(json.get("execution")).isEqualTo("exec-42");
        assertThat(JSON.readValue(repository.fileFor("hourly").toFile(), Map.class)).doesNotContainKey("execution");

        List<LockInfo> locks = repository.list();
        assertThat(locks).extracting(LockInfo::flow).containsExactly("hourly", "nightly/export");
        LockInfo lock = locks.get(1);
        assertThat(lock.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(lock.host()).isEqualTo(FileLockStore.currentHost());
        assertThat(lock.since()).isBetween(before, after);
        assertThat(lock.file()).isEqualTo(file);
        assertThat(lock.execution()).isEqualTo("exec-42");
        assertThat(locks.get(0).execution()).isNull();
        assertThat(repository.get("hourly")).hasValueSatisfying(l -> assertThat(l.flow()).isEqualTo("hourly"));
        assertThat(repository.get("daily")).isEmpty();
    }

    /** The lock file's JSON is written by hand from a prefix kept per key: odd keys and owners still round-trip. */
    @Test
    void aLockFileOfAKeyWithQuotesBackslashesAndControlCharactersIsValidJson() throws IOException {
        FileLockStore repository = repository();
        String key = "we\"ird\\flow\n\t\u00e9\u0001/x";
        String owner = "exec \"7\" \\ \u2028";
        for (int i = 0; i < 2; i++) { // the second take reuses the kept prefix
            assertThat(repository.take(key, owner)).isTrue();
            Map<?, ?> json = JSON.readValue(repository.fileFor(key).toFile(), Map.class);
            assertThat(json.get("flow")).isEqualTo(key);
            assertThat(json.get("execution")).isEqualTo(owner);
            assertThat(json.get("host")).isEqualTo(FileLockStore.currentHost());
            assertThat(repository.get(key)).hasValueSatisfying(lock -> assertThat(lock.execution()).isEqualTo(owner));
            assertThat(repository.release(key, owner)).isTrue();
            assertThat(repository.isHeld(key)).isFalse();
        }
    }

    @Test
    void racingTakesForOneKeyHaveExactlyOneWinner() throws Exception {
        FileLockStore first = repository();
        FileLockStore second = repository(); // a second repository on the same directory races too
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 200; i++) {
                final int round = i;
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Boolean> a = pool.submit(() -> {
                    barrier.await();
                    return first.take("contended", null);
                });
                Future<Boolean> b = pool.submit(() -> {
                    barrier.await();
                    return (round % 2 == 0 ? first : second).take("contended", null);
                });
                boolean aWon = a.get(5, TimeUnit.SECONDS);
                boolean bWon = b.get(5, TimeUnit.SECONDS);
                assertThat(aWon ^ bWon).as("round %d: exactly one winner (a=%s, b=%s)", round, aWon, bWon).isTrue();
                assertThat(first.release("contended", null)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentKeysNeverShareAFile() {
        String aSlashB = FileLockStore.fileName("a/b");
        assertThat(FileLockStore.fileName("a_b")).isEqualTo("a_b.lock");
        assertThat(aSlashB).matches("a_b-[0-9a-f]{12}\\.lock");
        assertThat(FileLockStore.fileName("a b")).isNotEqualTo(aSlashB).matches("a_b-[0-9a-f]{12}\\.lock");
        // a key spelled like another key's slug-with-hash is hashed too
        String spoof = aSlashB.substring(0, aSlashB.length() - ".lock".length());
        assertThat(FileLockStore.fileName(spoof)).isNotEqualTo(aSlashB);
        // case-insensitive file systems: Report and report must not meet
        assertThat(FileLockStore.fileName("Report")).isNotEqualToIgnoringCase(
                FileLockStore.fileName("report"));
        // no hidden files, no climbing out, nothing empty
        assertThat(FileLockStore.fileName(".hidden")).doesNotStartWith(".");
        assertThat(FileLockStore.fileName("../../etc/passwd")).doesNotContain("/").doesNotStartWith(".");
        assertThat(FileLockStore.fileName("")).matches("_-[0-9a-f]{12}\\.lock");
        assertThat(FileLockStore.fileName("flöw")).matches("fl_w-[0-9a-f]{12}\\.lock");
        // long keys sharing their first 80 characters
        String prefix = "x".repeat(100);
        assertThat(FileLockStore.fileName(prefix + "1")).isNotEqualTo(FileLockStore.fileName(prefix + "2"))
                .hasSizeLessThan(120);

        FileLockStore repository = repository();
        List<String> keys = List.of("a/b", "a_b", "a b", "A_B", spoof, "a\\b", "a:b");
        Set<Path> files = new HashSet<>();
        for (String key : keys) {
            assertThat(repository.take(key, null)).as(key).isTrue();
            files.add(repository.fileFor(key));
        }
        assertThat(files).hasSize(keys.size());
        assertThat(repository.list()).extracting(LockInfo::flow).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(repository.release("a/b", null)).isTrue();
        assertThat(repository.isHeld("a_b")).isTrue();
        assertThat(repository.isHeld("a/b")).isFalse();
    }

    /**
     * Issue 18 #11: an operator forces a lock away while its run is still going ({@code DELETE /api/locks/{flow}}),
     * a new run takes it; the old run's end must release nothing, or a third run would overlap the second.
     */
    @Test
    void theEndOfARunWhoseLockWasForcedAwayLeavesTheNewOwnersLockInPlace() throws Exception {
        FileLockStore service = repository();
        FileLockStore api = repository(); // the unlock comes through another object on the same directory
        assertThat(service.take("report.yml", "run-old")).isTrue();
        assertThat(service.take("report.yml", "run-new")).as("held by the old run").isFalse();

        assertThat(api.forceRelease("report.yml")).isTrue();
        assertThat(service.take("report.yml", "run-new")).isTrue();
        Path file = service.fileFor("report.yml");
        assertThat(JSON.readTree(file.toFile()).get("execution").asText()).isEqualTo("run-new");

        assertThat(service.release("report.yml", "run-old")).as("the old run no longer owns the lock").isFalse();
        assertThat(file).as("the new run's lock file").isRegularFile();
        assertThat(service.get("report.yml")).hasValueSatisfying(l -> assertThat(l.execution()).isEqualTo("run-new"));
        assertThat(service.take("report.yml", "run-third")).as("a third run is still locked out").isFalse();
        assertThat(service.release("report.yml", null)).as("no owner is not any owner").isFalse();
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'report.yml'", "run-new", "run-old"));

        assertThat(service.release("report.yml", "run-new")).isTrue();
        assertThat(file).doesNotExist();
        assertThat(service.take("report.yml", "run-third")).isTrue();
    }

    /**
     * Issue 17: a release reads the file back and deletes it without parsing when it holds exactly what this JVM
     * wrote; a file another process rewrote meanwhile (an unlock, then its own take) is parsed, and kept.
     */
    @Test
    void aLockFileAnotherProcessRewroteIsNotReleasedByItsFormerOwner() throws Exception {
        FileLockStore service = repository();
        assertThat(service.take("report.yml", "run-old")).isTrue();
        Path file = service.fileFor("report.yml");
        // another process: `octoflow unlock`, then its own run's take (same pid in the file: only the owner differs)
        Files.delete(file);
        Files.writeString(file, "{\"flow\": \"report.yml\", \"pid\": " + FileLockStore.currentPid()
                + ", \"host\": \"" + FileLockStore.currentHost() + "\", \"execution\": \"run-other\"}");
        assertThat(service.release("report.yml", "run-old")).isFalse();
        assertThat(file).isRegularFile();
        assertThat(service.get("report.yml")).hasValueSatisfying(l -> assertThat(l.execution()).isEqualTo("run-other"));
        assertThat(service.release("report.yml", "run-other")).as("parsed: the owner in the file").isTrue();
        assertThat(file).doesNotExist();

        assertThat(service.take("report.yml", "run-next")).isTrue();
        assertThat(service.release("report.yml", "run-old")).isFalse();
        assertThat(service.release("report.yml", "run-next")).isTrue();
        assertThat(file).doesNotExist();
    }

    @Test
    void startRemovesLocksOfDeadProcessesAndKeepsLiveOnes() throws Exception {
        Path locks = Files.createDirectories(dir.resolve("locks"));
        long deadPid = deadPid();
        ProcessHandle live = ProcessHandle.current().parent().orElseThrow();
        String host = FileLockStore.currentHost();

        writeLock(locks.resolve("dead.lock"), "dead", deadPid, host, Instant.now());
        writeLock(locks.resolve("own-pid-earlier-run.lock"), "own", ProcessHandle.current().pid(), host,
                Instant.now().minusSeconds(60));
        writeLock(locks.resolve("live.lock"), "live", live.pid(), host, Instant.now());
        Instant beforeLiveStarted = live.info().startInstant().orElseThrow().minusSeconds(3600);
        writeLock(locks.resolve("reused-pid.lock"), "reused", live.pid(), host, beforeLiveStarted);
        writeLock(locks.resolve("other-host.lock"), "elsewhere", live.pid(), host + "-old-pod", Instant.now());
        Files.writeString(locks.resolve("garbage.lock"), "{not json");
        Files.writeString(locks.resolve("readme.txt"), "not a lock");

        FileLockStore repository = repository();
        repository.open();

        assertThat(repository.list()).extracting(LockInfo::flow).containsExactly("live");
        assertThat(locks.resolve("readme.txt")).exists();
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'dead'", "process " + deadPid + " is gone",
                locks.resolve("dead.lock").toString()));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'own'", "this process's pid",
                "own-pid-earlier-run.lock"));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'reused'", "started after",
                "reused-pid.lock"));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'elsewhere'", "another host",
                "other-host.lock"));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("'garbage'", "unreadable",
                "garbage.lock"));
        assertThat(log.messages()).filteredOn(m -> m.startsWith("Removed stale lock")).hasSize(5);
        assertThat(log.messages()).noneSatisfy(m -> assertThat(m).contains("'live'"));
    }

    @Test
    void staleRemovalRunsOnTheFirstStartOnlyAndSparesLocksHeldInThisProcess() throws Exception {
        FileLockStore running = repository();
        running.open();
        assertThat(running.take("running-flow", null)).isTrue();

        // a second repository on the same directory, in this JVM: our pid, but the lock is held
        FileLockStore other = repository();
        other.open();
        assertThat(running.isHeld("running-flow")).isTrue();

        // a stop/start cycle (Camel does that when a route using the repository is removed) must not drop locks
        long deadPid = deadPid();
        writeLock(running.fileFor("left-over"), "left-over", deadPid, FileLockStore.currentHost(),
                Instant.now());
                running.open();
        assertThat(running.isHeld("left-over")).as("stale removal only on the first start").isTrue();
        assertThat(running.removeStale()).isEqualTo(1);
        assertThat(running.isHeld("running-flow")).isTrue();
        assertThat(running.isHeld("left-over")).isFalse();
    }

    @Test
    void locksFromOtherHostsCanBeKept() throws Exception {
        Path locks = Files.createDirectories(dir.resolve("locks"));
        writeLock(locks.resolve("shared.lock"), "shared", 1, "another-host", Instant.now());
        FileLockStore repository = repository();
        repository.setForeignHostLocksStale(false);
        assertThat(repository.removeStale()).isZero();
        assertThat(repository.isHeld("shared")).isTrue();
        repository.setForeignHostLocksStale(true);
        assertThat(repository.removeStale()).isEqualTo(1);
    }

    @Test
    void directoryIsCreatedWhenMissing() throws IOException {
        FileLockStore repository = new FileLockStore(dir.resolve("deep/er/locks"));
        repositories.add(repository);
        assertThat(repository.list()).isEmpty();
        assertThat(repository.take("x", null)).isTrue();
        assertThat(repository.fileFor("x")).isRegularFile();
        Files.delete(repository.fileFor("x"));
        Files.delete(dir.resolve("deep/er/locks"));
        assertThat(repository.take("x", null)).as("directory deleted while running").isTrue();
    }

    @Test
    void anUnusableDirectoryIsAnErrorNotAHeldLock() throws IOException {
        FileLockStore repository = repository();
        Files.writeString(dir.resolve("locks"), "a file where the directory should be");
        assertThatThrownBy(() -> repository.take("x", null)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("flow 'x'");
        assertThatThrownBy(repository::open).hasMessageContaining("is not a directory");
        Files.delete(dir.resolve("locks"));
    }

    /** The pid of a process that ran and exited. */
    static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        long pid = process.pid();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return pid;
    }

    static void writeLock(Path file, String flow, long pid, String host, Instant since) throws IOException {
        Files.write(file, JSON.writeValueAsString(Map.of("flow", flow, "pid", pid, "host", host, "since",
                since.toString())).getBytes(StandardCharsets.UTF_8));
    }
}
