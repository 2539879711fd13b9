package io.octoflow.watch;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWatcherTest {

    /** What the service watches: the one flow-file rule. */
    private static final java.util.function.Predicate<Path> FLOW_FILES =
            io.octoflow.service.FlowDirectory::isFlowFile;


    /** The drop-in directory promises 2 s from a save to the new route. */
    private static ConditionFactory within2s() {
        return await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10));
    }

    @TempDir
    Path dir;

    private DirectoryWatcher watcher;
    private final Recorder events = new Recorder();

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private DirectoryWatcher start() throws IOException {
        return start(events);
    }

    private DirectoryWatcher start(DirectoryWatcher.Listener listener) throws IOException {
        watcher = new DirectoryWatcher(dir, FLOW_FILES, listener);
        watcher.start();
        return watcher;
    }

    private Path write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** Writes a marker file and waits for it: every earlier event has been delivered by then. */
    private void sync(String marker) throws IOException {
        write(marker, "marker");
        within2s().until(() -> events.list().contains("changed " + marker));
    }

    @Test
    void existingFilesAreKnownButNotDelivered() throws IOException {
        write("a.yml", "a");
        write("sub/b.yaml", "b");
        write("sub/notes.txt", "n");
        start();
        assertThat(watcher.knownFiles()).containsExactlyInAnyOrder(dir.resolve("a.yml"), dir.resolve("sub/b.yaml"));
        assertThat(watcher.root()).isEqualTo(dir.toAbsolutePath().normalize());
        sync("marker.yml");
        assertThat(events.list()).containsExactly("changed marker.yml");
    }

    @Test
    void createdFileIsChanged() throws IOException {
        start();
        write("new.yml", "steps: []");
        within2s().until(() -> events.list().contains("changed new.yml"));
        assertThat(watcher.knownFiles()).contains(dir.resolve("new.yml"));
    }

    @Test
    void modifiedFileIsChanged() throws IOException {
        write("flow.yml", "v1");
        start();
        write("flow.yml", "v2 with more");
        within2s().until(() -> events.list().contains("changed flow.yml"));
        assertThat(events.list()).containsOnly("changed flow.yml");
    }

    @Test
    void deletedFileIsDeleted() throws IOException {
        write("flow.yml", "v1");
        start();
        Files.delete(dir.resolve("flow.yml"));
        within2s().until(() -> events.list().contains("deleted flow.yml"));
        assertThat(events.list()).containsExactly("deleted flow.yml");
        assertThat(watcher.knownFiles()).isEmpty();
    }

    @Test
    void renameIsDeletedOldThenChangedNew() throws IOException {
        write("old.yml", "v1");
        start();
        Files.move(dir.resolve("old.yml"), dir.resolve("new.yml"));
        within2s().until(() -> events.list().size() >= 2);
        assertThat(events.list()).containsExactly("deleted old.yml", "changed new.yml");
    }

    @Test
    void renameToANonMatchingNameIsADeletion() throws IOException {
        write("flow.yml", "v1");
        start();
        Files.move(dir.resolve("flow.yml"), dir.resolve("flow.yml.disabled"));
        within2s().until(() -> events.list().contains("deleted flow.yml"));
        sync("marker.yml");
        assertThat(events.list()).containsExactly("deleted flow.yml", "changed marker.yml");
    }

    @Test
    void atomicSaveIsOneChange() throws IOException {
        write("flow.yml", "v1");
        start();
        Path temp = write("flow.yml.tmp", "v2");
        Files.move(temp, dir.resolve("flow.yml"), REPLACE_EXISTING, ATOMIC_MOVE);
        within2s().until(() -> events.list().contains("changed flow.yml"));
        sync("marker.yml");
        assertThat(events.list()).containsExactly("changed flow.yml", "changed marker.yml");
    }

    @Test
    void fileInANewSubdirectoryIsChangedAndTheSubdirectoryIsWatched() throws IOException {
        start();
        // created together with its directories, before the watcher could register them
        write("team/nightly/export.yml", "v1");
        within2s().until(() -> events.list().contains("changed team/nightly/export.yml"));
        // and the new directories are watched from now on
        write("team/nightly/import.yaml", "v1");
        write("team/other.yml", "v1");
        within2s().until(() -> events.list().containsAll(List.of("changed team/nightly/import.yaml",
                "changed team/other.yml")));
        Files.delete(dir.resolve("team/nightly/export.yml"));
        within2s().until(() -> events.list().contains("deleted team/nightly/export.yml"));
    }

    @Test
    void deletingASubdirectoryDeletesEveryFileKnownUnderIt() throws IOException {
        write("team/a.yml", "a");
        write("team/deep/b.yml", "b");
        write("team/deep/deeper/c.yaml", "c");
        write("team/readme.txt", "r");
        write("other/d.yml", "d");
        start();
        deleteTree(dir.resolve("team"));
        within2s().until(() -> events.list().size() >= 3);
        sync("marker.yml");
        assertThat(events.list()).containsExactlyInAnyOrder("deleted team/a.yml", "deleted team/deep/b.yml",
                "deleted team/deep/deeper/c.yaml", "changed marker.yml");
        assertThat(watcher.knownFiles()).containsExactlyInAnyOrder(dir.resolve("other/d.yml"),
                dir.resolve("marker.yml"));

        // a directory of the same name, created again, is watched again
        write("team/again.yml", "v1");
        within2s().until(() -> events.list().contains("changed team/again.yml"));
        write("team/again.yml", "v2");
        within2s().until(() -> events.list().stream().filter("changed team/again.yml"::equals).count() == 2);
    }

    @Test
    void movingADirectoryMovesItsFiles() throws IOException {
        write("team/a.yml", "a");
        start();
        Files.move(dir.resolve("team"), dir.resolve("renamed"));
        within2s().until(() -> events.list().size() >= 2);
        assertThat(events.list()).containsExactly("deleted team/a.yml", "changed renamed/a.yml");
        // the moved directory is watched under its new name
        write("renamed/b.yml", "b");
        within2s().until(() -> events.list().contains("changed renamed/b.yml"));
        assertThat(events.list()).noneMatch(e -> e.contains("team/b.yml"));
    }

    @Test
    void nonMatchingFilesAreIgnored() throws IOException {
        start();
        write("notes.txt", "n");
        write(".#flow.yml", "emacs lock");
        write(".hidden.yaml", "h");
        write("flow.yml.swp", "vim");
        write("sub/readme.md", "r");
        Files.delete(dir.resolve("notes.txt"));
        sync("marker.yml");
        assertThat(events.list()).containsExactly("changed marker.yml");
        // the service's one rule (the start-up scan and validate use it too): as the spooler's paths, case counts
        assertThat(FLOW_FILES).accepts(Path.of("a.yml"), Path.of("x/b.yaml"))
                .rejects(Path.of("c.json"), Path.of(".d.yml"), Path.of("yml"), Path.of("e.YML"), Path.of(".#f.yml"));
        // the start-up scan lists the same files as the watcher reports
        assertThat(io.octoflow.flow.FlowCatalog.flowFilesUnder(dir)).containsExactly(dir.resolve("marker.yml"));
    }

    /** Kubernetes mounts a ConfigMap as kubelet's atomic writer lays it out; FLOWS_PATH is one on a cluster. */
    @Test
    void configMapVolumeFilesComeOnceAndTheirUpdatesAreDelivered() throws IOException {
        Path v1 = write("..2026_01_01_00_00_00.1/flow.yml", "v1");
        Files.createSymbolicLink(dir.resolve("..data"), v1.getParent().getFileName());
        Files.createSymbolicLink(dir.resolve("flow.yml"), Path.of("..data/flow.yml"));
        start();
        assertThat(watcher.knownFiles()).containsExactly(dir.resolve("flow.yml"));
        assertThat(io.octoflow.flow.FlowCatalog.flowFilesUnder(dir)).containsExactly(dir.resolve("flow.yml"));

        // an update: a new hidden directory, ..data swapped by a rename, the old directory removed
        Path v2 = write("..2026_01_01_00_01_00.2/flow.yml", "v2, longer");
        Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getParent().getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), ATOMIC_MOVE);
        Files.delete(v1);
        Files.delete(v1.getParent());
        within2s().until(() -> events.list().contains("changed flow.yml"));
        sync("marker.yml");
        assertThat(events.list()).containsExactly("changed flow.yml", "changed marker.yml");
        assertThat(watcher.knownFiles()).containsExactlyInAnyOrder(dir.resolve("flow.yml"), dir.resolve("marker.yml"));
    }

    @Test
    void rapidWritesAreCoalesced() throws IOException {
        start();
        for (int i = 0; i < 10; i++) {
            write("flow.yml", "version " + i);
        }
        within2s().until(() -> events.list().contains("changed flow.yml"));
        sync("marker.yml");
        long changes = events.list().stream().filter("changed flow.yml"::equals).count();
        assertThat(changes).isBetween(1L, 3L);
    }

    @Test
    void aFileCreatedAndDeletedWithinTheDebounceIsNotReported() throws IOException {
        start();
        write("blip.yml", "x");
        Files.delete(dir.resolve("blip.yml"));
        sync("marker.yml");
        assertThat(events.list()).containsExactly("changed marker.yml");
    }

    @Test
    void aThrowingListenerDoesNotStopTheWatcher() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(new DirectoryWatcher.Listener() {
            @Override
            public void changed(Path file) {
                seen.add("changed " + file.getFileName());
                throw new IllegalStateException("listener bug on " + file);
            }

            @Override
            public void deleted(Path file) {
                seen.add("deleted " + file.getFileName());
                throw new AssertionError("listener error on " + file);
            }
        });
        write("one.yml", "1");
        within2s().until(() -> seen.contains("changed one.yml"));
        Files.delete(dir.resolve("one.yml"));
        within2s().until(() -> seen.contains("deleted one.yml"));
        write("two.yml", "2");
        within2s().until(() -> seen.contains("changed two.yml"));
        assertThat(watcher.isRunning()).isTrue();
    }

    /** Issue 18 #2: a deeply nested file threw StackOverflowError in the listener and killed the watcher. */
    @Test
    void aListenerThrowingAnErrorOfTheVirtualMachineDoesNotStopTheWatcher() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(new DirectoryWatcher.Listener() {
            @Override
            public void changed(Path file) {
                seen.add("changed " + file.getFileName());
                if (file.getFileName().toString().startsWith("deep")) {
                    throw new StackOverflowError("as a 10,000-deep file does");
                }
                if (file.getFileName().toString().startsWith("huge")) {
                    throw new OutOfMemoryError("as an alias bomb does");
                }
            }

            @Override
            public void deleted(Path file) {
                seen.add("deleted " + file.getFileName());
            }
        });
        write("deep.yml", "[[[[");
        within2s().until(() -> seen.contains("changed deep.yml"));
        write("huge.yml", "&a [*a]");
        within2s().until(() -> seen.contains("changed huge.yml"));
        write("after.yml", "fine");
        within2s().until(() -> seen.contains("changed after.yml"));
        assertThat(watcher.isRunning()).isTrue();
    }

    /** Issue 18 #3: a listener busy with one file (a large one to parse) does not hold up the watching. */
    @Test
    void aSlowListenerDoesNotHoldUpTheWatchingThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Path> filtered = new CopyOnWriteArrayList<>();
        watcher = new DirectoryWatcher(dir, file -> {
            filtered.add(file.getFileName());
            return FLOW_FILES.test(file);
        }, new DirectoryWatcher.Listener() {
            @Override
            public void changed(Path file) {
                events.changed(file);
                if (file.getFileName().toString().equals("slow.yml")) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
                }
            }

            @Override
            public void deleted(Path file) {
                events.deleted(file);
            }
        });
        watcher.start();
        try {
            write("slow.yml", "s");
            within2s().until(() -> events.list().contains("changed slow.yml"));
            // the listener is held: the watching thread still sees (filters) what happens meanwhile
            write("later.yml", "l");
            within2s().until(() -> filtered.contains(Path.of("later.yml")));
            assertThat(events.list()).doesNotContain("changed later.yml");
        } finally {
            release.countDown();
        }
        within2s().until(() -> events.list().contains("changed later.yml"));
    }

    @Test
    void overflowRescansAndDeliversTheDifferences() throws Exception {
        write("keep.yml", "v1");
        write("gone.yml", "v1");
        write("same.yml", "v1");
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        LogCapture log = LogCapture.of(DirectoryWatcher.class);
        try {
            // the watching thread (not the listener's: that one never holds it up) is held in the filter
            watcher = new DirectoryWatcher(dir, file -> {
                if (file.getFileName().toString().equals("block.yml") && blocked.getCount() > 0) {
                    blocked.countDown();
                    await().atMost(Duration.ofSeconds(10)).until(() -> unblock.getCount() == 0);
                }
                return FLOW_FILES.test(file);
            }, events);
            watcher.start();
            write("block.yml", "b");
            assertThat(blocked.await(2, TimeUnit.SECONDS)).isTrue();
            // the watcher thread is busy: the JDK keeps at most 512 events per directory, then
            // signals OVERFLOW
            List<String> created = IntStream.range(0, 700).mapToObj(i -> String.format("bulk/f%03d.yml", i))
                    .collect(Collectors.toList());
            Files.createDirectories(dir.resolve("bulk"));
            for (String name : created) {
                write(name, "x");
            }
            for (int i = 0; i < 600; i++) {
                write("noise" + i + ".txt", "n");
            }
            write("keep.yml", "v2, longer");
            Files.delete(dir.resolve("gone.yml"));
            unblock.countDown();

            within2s().until(() -> events.list().containsAll(created.stream().map(n -> "changed " + n)
                    .collect(Collectors.toList())) && events.list().contains("deleted gone.yml")
                    && events.list().contains("changed keep.yml"));
            assertThat(log.messages()).anyMatch(m -> m.contains("overflow"));
            sync("marker.yml");
            assertThat(events.list()).doesNotContain("changed same.yml", "deleted same.yml");
            assertThat(events.list()).filteredOn(e -> e.startsWith("changed bulk/")).hasSize(700);
            assertThat(watcher.knownFiles()).hasSize(700 + 4); // bulk, keep, same, block, marker
        } finally {
            unblock.countDown();
            log.close();
        }
    }

    @Test
    void closeStopsTheThread() throws IOException {
        Path root = Files.createDirectories(dir.resolve("closing-root"));
        watcher = new DirectoryWatcher(root, FLOW_FILES, events);
        watcher.start();
        assertThat(watcher.isRunning()).isTrue();
        assertThat(watcherThreads("closing-root")).hasSize(1).allMatch(Thread::isDaemon);
        watcher.close();
        assertThat(watcher.isRunning()).isFalse();
        assertThat(watcherThreads("closing-root")).isEmpty();
        watcher.close(); // twice is fine
        assertThatThrownBy(watcher::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startNeedsAnExistingDirectory() throws IOException {
        DirectoryWatcher missing = new DirectoryWatcher(dir.resolve("missing"), p -> true, events);
        assertThatThrownBy(missing::start).isInstanceOf(NoSuchFileException.class);
        DirectoryWatcher file = new DirectoryWatcher(write("file.yml", "x"), p -> true, events);
        assertThatThrownBy(file::start).isInstanceOf(NotDirectoryException.class);
    }

    @Test
    void theRootComingBackIsWatchedAgain() throws IOException {
        Path root = Files.createDirectories(dir.resolve("flows"));
        Files.writeString(root.resolve("a.yml"), "a");
        watcher = new DirectoryWatcher(root, FLOW_FILES, events);
        watcher.start();
        deleteTree(root);
        within2s().until(() -> events.list().contains("deleted flows/a.yml"));
        Files.createDirectories(root);
        Files.writeString(root.resolve("b.yml"), "b");
        within2s().until(() -> events.list().contains("changed flows/b.yml"));
    }

    private static List<Thread> watcherThreads(String rootName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("octoflow-watch-" + rootName) && t.isAlive())
                .collect(Collectors.toList());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** Records events as "changed relative/path" and "deleted relative/path", relative to the test directory. */
    private final class Recorder implements DirectoryWatcher.Listener {
        private final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void changed(Path file) {
            record("changed", file);
        }

        @Override
        public void deleted(Path file) {
            record("deleted", file);
        }

        private void record(String kind, Path file) {
            assertThat(file).isAbsolute();
            events.add(kind + " " + dir.toAbsolutePath().relativize(file).toString().replace('\\', '/'));
        }

        List<String> list() {
            return List.copyOf(events);
        }
    }
}
