package io.octoflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.cluster.ClusterRig.Replica;
import io.octoflow.support.EmbeddedPostgres;

/**
 * {@code trigger: file} in cluster mode: two real replicas (child JVMs on one PostgreSQL database) scan one shared
 * directory (their DATA_PATH is one shared volume) and every file dropped there runs exactly once in the cluster:
 * the files taken are rows of the shared database, and inserting the row is camel-file's read lock
 * ({@code readLock=idempotent}), so a file both replicas see is claimed by one of them.
 */
class ClusterFileTriggerTest {

    private static final int FILES = 40;

    @TempDir
    Path root;

    @Test
    void twoReplicasScanningOneDirectoryRunEachFileOnce() throws Exception {
        try (ClusterRig rig = new ClusterRig(root, EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password())) {
            Files.writeString(rig.flows().resolve("inbox.yml"), """
                    name: inbox
                    concurrency: allow
                    trigger:
                      file:
                        path: inbox
                        pattern: "*.json"
                        move_to: .done
                    steps:
                      - name: nap
                        type: sleep
                        sleep:
                          seconds: 0.05
                    """);
            Path shared = root.resolve("shared");
            Files.createDirectories(shared.resolve("inbox"));
            Replica a = rig.start("a", Map.of("DATA_PATH", shared.toString(), "LOG_PATH",
                    root.resolve("a-logs").toString(), "FILE_TRIGGER_POLL_MILLIS", "100"));
            Replica b = rig.start("b", Map.of("DATA_PATH", shared.toString(), "LOG_PATH",
                    root.resolve("b-logs").toString(), "FILE_TRIGGER_POLL_MILLIS", "100"));
            for (Replica replica : new Replica[] {a, b}) {
                try {
                    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                            .until(() -> ClusterRig.ready(replica));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("replica " + replica.name() + " did not get ready:\n" + rig.log(replica),
                            e);
                }
            }
            // written under another name, then renamed: a scan never sees half a file
            for (int i = 0; i < FILES; i++) {
                Path part = shared.resolve("inbox").resolve("order-" + i + ".part");
                Files.writeString(part, "{\"n\": " + i + "}");
                Files.move(part, shared.resolve("inbox").resolve("order-" + i + ".json"));
            }
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> rig.count(
                        "SELECT count(*) FROM executions WHERE flow_path = 'inbox.yml' AND status = 'success'")
                        >= FILES);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(rig.count("SELECT count(*) FROM executions WHERE flow_path = 'inbox.yml'")
                        + " runs of " + FILES + " files; replica a:\n" + rig.log(a) + "\nreplica b:\n" + rig.log(b), e);
            }
            Thread.sleep(2000); // scans of both replicas after the last run: a file run twice would show now
            assertThat(rig.count("SELECT count(*) FROM executions WHERE flow_path = 'inbox.yml'")).as(rig.log(a)
                    + rig.log(b)).isEqualTo(FILES);
            assertThat(rig.count("SELECT count(DISTINCT input) FROM executions WHERE flow_path = 'inbox.yml'"))
                    .isEqualTo(FILES);
            // a row per file claimed (name-size-date), and a 'name-0-' row when a scan listed a file just as the
            // replica running it moved it away (no size, no date: the file is gone, nothing runs)
            assertThat(rig.count("SELECT count(DISTINCT split_part(file_key, '.json-', 1)) FROM file_trigger_taken"))
                    .as(rig.text("SELECT string_agg(file_key, ' ') FROM file_trigger_taken")).isEqualTo(FILES);
            String keys = rig.text("SELECT string_agg(file_key, ' ') FROM file_trigger_taken");
            try (Stream<Path> done = Files.list(shared.resolve("inbox/.done"));
                    Stream<Path> left = Files.list(shared.resolve("inbox"))) {
                assertThat(done.count()).isEqualTo(FILES);
                assertThat(left.filter(Files::isRegularFile).count()).isZero();
            }
            System.out.printf("file trigger, two replicas: %d files, claims %s, runs by replica %s%n", FILES, keys,
                    rig.text(
                    "SELECT string_agg(n::text, ',') FROM (SELECT count(*) AS n FROM executions"
                            + " WHERE flow_path = 'inbox.yml' GROUP BY replica_id) r"));
        }
    }
}
