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

class FileLockRepositoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<FileLockRepository> repositories = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.of(FileLockRepository.class);
    }

    @AfterEach
    void cleanUp() {
        log.close();
        repositories.forEach(FileLockRepository::releaseAll);
        repositories.forEach(FileLockRepository::stop);
    }

    private FileLockRepository repository() {
        FileLockRepository repository = new FileLockRepository(dir.resolve("locks"));
        repositories.add(repository);
        return repository;
    }

    @Test
    void addContainsConfirmRemoveClear() throws IOException {
        FileLockRepository repository = repository();
        assertThat(repository.contains("report")).isFalse();

        assertThat(repository.add("report")).isTrue();
        assertThat(repository.contains("report")).isTrue();
        assertThat(dir.resolve("locks/report.lock")).isRegularFile();
        assertThat(repository.add("report")).as("held").isFalse();

        assertThat(repository.confirm("report")).as("confirm releases").isTrue();
        assertThat(repository.contains("report")).isFalse();
        assertThat(dir.resolve("locks/report.lock")).doesNotExist();
        assertThat(repository.confirm("report")).as("nothing left to release").isFalse();

        assertThat(repository.add("report")).isTrue();
        assertThat(repository.remove("report")).as("remove releases").isTrue();
        assertThat(repository.contains("report")).isFalse();
        assertThat(repository.remove("report")).isFalse();

        assertThat(repository.add("a")).isTrue();
        assertThat(repository.add("b")).isTrue();
        Files.writeString(dir.resolve("locks/not-a-lock.txt"), "kept");
        repository.clear();
        assertThat(repository.list()).isEmpty();
        assertThat(repository.contains("a")).isFalse();
        assertThat(repository.contains("b")).isFalse();
        assertThat(dir.resolve("locks/not-a-lock.txt")).as("only lock files are cleared").exists();
        assertThat(repository.add("a")).isTrue();
    }

    @Test
    void releaseAndReleaseAll() {
        FileLockRepository repository = repository();
        repository.add("one");
        repository.add("two");
        repository.add("three");
        assertThat(repository.release("two")).isTrue();
        assertThat(repository.release("two")).isFalse();
        assertThat(repository.list()).extracting(LockInfo::flow).containsExactly("one", "three");
        assertThat(repository.releaseAll()).isEqualTo(2);
        assertThat(repository.releaseAll()).isZero();
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void lockFileContentAndList() throws IOException {
        FileLockRepository repository = repository();
        Instant before = Instant.now();
        assertThat(repository.add("nightly/export", "exec-42")).isTrue();
        assertThat(repository.add("hourly")).isTrue();
        Instant after = Instant.now();

        Path file = repository.fileFor("nightly/export");
        Map<?, ?> json = JSON.readValue(file.toFile(), Map.class);
        assertThat(new ArrayList<Object>(json.keySet())).containsExactly("flow", "pid", "host", "since", "execution");
        assertThat(json.get("flow")).isEqualTo("nightly/export");
        assertThat(((Number) json.get("pid")).longValue()).isEqualTo(ProcessHandle.current().pid());
        assertThat(json.get("host")).isEqualTo(FileLockRepository.currentHost());
        assertThat(Instant.parse((String) json.get("since"))).isBetween(before, after);
        assertThat(json.get("execution")).isEqualTo("exec-42");
        assertThat(JSON.readValue(repository.fileFor("hourly").toFile(), Map.class)).doesNotContainKey("execution");

        List<LockInfo> locks = repository.list();
        assertThat(locks).extracting(LockInfo::flow).containsExactly("hourly", "nightly/export");
        LockInfo lock = locks.get(1);
        assertThat(lock.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(lock.host()).isEqualTo(FileLockRepository.currentHost());
        assertThat(lock.since()).isBetween(before, after);
        assertThat(lock.file()).isEqualTo(file);
        assertThat(lock.execution()).isEqualTo("exec-42");
        assertThat(locks.get(0).execution()).isNull();
        assertThat(repository.get("hourly")).hasValueSatisfying(l -> assertThat(l.flow()).isEqualTo("hourly"));
        assertThat(repository.get("daily")).isEmpty();
    }

    @Test
    void racingAddsForOneKeyHaveExactlyOneWinner() throws Exception {
        FileLockRepository first = repository();
        FileLockRepository second = repository(); // a second repository on the same directory races too
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 200; i++) {
                final int round = i;
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Boolean> a = pool.submit(() -> {
                    barrier.await();
                    return first.add("contended");
                });
                Future<Boolean> b = pool.submit(() -> {
                    barrier.await();
                    return (round % 2 == 0 ? first : second).add("contended");
                });
                boolean aWon = a.get(5, TimeUnit.SECONDS);
                boolean bWon = b.get(5, TimeUnit.SECONDS);
                assertThat(aWon ^ bWon).as("round %d: exactly one winner (a=%s, b=%s)", round, aWon, bWon).isTrue();
                assertThat(first.confirm("contended")).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentKeysNeverShareAFile() {
        String aSlashB = FileLockRepository.fileName("a/b");
        assertThat(FileLockRepository.fileName("a_b")).isEqualTo("a_b.lock");
        assertThat(aSlashB).matches("a_b-[0-9a-f]{12}\\.lock");
        assertThat(FileLockRepository.fileName("a b")).isNotEqualTo(aSlashB).matches("a_b-[0-9a-f]{12}\\.lock");
        // a key spelled like another key's slug-with-hash is hashed too
        String spoof = aSlashB.substring(0, aSlashB.length() - ".lock".length());
        assertThat(FileLockRepository.fileName(spoof)).isNotEqualTo(aSlashB);
        // case-insensitive file systems: Report and report must not meet
        assertThat(FileLockRepository.fileName("Report")).isNotEqualToIgnoringCase(
                FileLockRepository.fileName("report"));
        // no hidden files, no climbing out, nothing empty
        assertThat(FileLockRepository.fileName(".hidden")).doesNotStartWith(".");
        assertThat(FileLockRepository.fileName("../../etc/passwd")).doesNotContain("/").doesNotStartWith(".");
        assertThat(FileLockRepository.fileName("")).matches("_-[0-9a-f]{12}\\.lock");
        assertThat(FileLockRepository.fileName("flöw")).matches("fl_w-[0-9a-f]{12}\\.lock");
        // long keys sharing their first 80 characters
        String prefix = "x".repeat(100);
        assertThat(FileLockRepository.fileName(prefix + "1")).isNotEqualTo(FileLockRepository.fileName(prefix + "2"))
                .hasSizeLessThan(120);

        FileLockRepository repository = repository();
        List<String> keys = List.of("a/b", "a_b", "a b", "A_B", spoof, "a\\b", "a:b");
        Set<Path> files = new HashSet<>();
        for (String key : keys) {
            assertThat(repository.add(key)).as(key).isTrue();
            files.add(repository.fileFor(key));
        }
        assertThat(files).hasSize(keys.size());
        assertThat(repository.list()).extracting(LockInfo::flow).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(repository.confirm("a/b")).isTrue();
        assertThat(repository.contains("a_b")).isTrue();
        assertThat(repository.contains("a/b")).isFalse();
    }

    @Test
    void startRemovesLocksOfDeadProcessesAndKeepsLiveOnes() throws Exception {
        Path locks = Files.createDirectories(dir.resolve("locks"));
        long deadPid = deadPid();
        ProcessHandle live = ProcessHandle.current().parent().orElseThrow();
        String host = FileLockRepository.currentHost();

        writeLock(locks.resolve("dead.lock"), "dead", deadPid, host, Instant.now());
        writeLock(locks.resolve("own-pid-earlier-run.lock"), "own", ProcessHandle.current().pid(), host,
                Instant.now().minusSeconds(60));
        writeLock(locks.resolve("live.lock"), "live", live.pid(), host, Instant.now());
        Instant beforeLiveStarted = live.info().startInstant().orElseThrow().minusSeconds(3600);
        writeLock(locks.resolve("reused-pid.lock"), "reused", live.pid(), host, beforeLiveStarted);
        writeLock(locks.resolve("other-host.lock"), "elsewhere", live.pid(), host + "-old-pod", Instant.now());
        Files.writeString(locks.resolve("garbage.lock"), "{not json");
        Files.writeString(locks.resolve("readme.txt"), "not a lock");

        FileLockRepository repository = repository();
        repository.start();

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
        FileLockRepository running = repository();
        running.start();
        assertThat(running.add("running-flow")).isTrue();

        // a second repository on the same directory, in this JVM: our pid, but the lock is held
        FileLockRepository other = repository();
        other.start();
        assertThat(running.contains("running-flow")).isTrue();

        // a stop/start cycle (Camel does that when a route using the repository is removed) must not drop locks
        long deadPid = deadPid();
        writeLock(running.fileFor("left-over"), "left-over", deadPid, FileLockRepository.currentHost(),
                Instant.now());
        running.stop();
        running.start();
        assertThat(running.contains("left-over")).as("stale removal only on the first start").isTrue();
        assertThat(running.removeStale()).isEqualTo(1);
        assertThat(running.contains("running-flow")).isTrue();
        assertThat(running.contains("left-over")).isFalse();
    }

    @Test
    void locksFromOtherHostsCanBeKept() throws Exception {
        Path locks = Files.createDirectories(dir.resolve("locks"));
        writeLock(locks.resolve("shared.lock"), "shared", 1, "another-host", Instant.now());
        FileLockRepository repository = repository();
        repository.setForeignHostLocksStale(false);
        assertThat(repository.removeStale()).isZero();
        assertThat(repository.contains("shared")).isTrue();
        repository.setForeignHostLocksStale(true);
        assertThat(repository.removeStale()).isEqualTo(1);
    }

    @Test
    void directoryIsCreatedWhenMissing() throws IOException {
        FileLockRepository repository = new FileLockRepository(dir.resolve("deep/er/locks"));
        repositories.add(repository);
        assertThat(repository.list()).isEmpty();
        assertThat(repository.add("x")).isTrue();
        assertThat(repository.fileFor("x")).isRegularFile();
        Files.delete(repository.fileFor("x"));
        Files.delete(dir.resolve("deep/er/locks"));
        assertThat(repository.add("x")).as("directory deleted while running").isTrue();
    }

    @Test
    void anUnusableDirectoryIsAnErrorNotAHeldLock() throws IOException {
        FileLockRepository repository = repository();
        Files.writeString(dir.resolve("locks"), "a file where the directory should be");
        assertThatThrownBy(() -> repository.add("x")).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("flow 'x'");
        assertThatThrownBy(repository::start).hasMessageContaining("is not a directory");
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
