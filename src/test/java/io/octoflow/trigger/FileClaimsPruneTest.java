package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;
import io.octoflow.support.FreshPostgresDatabase;
import io.octoflow.support.PlainCamel;

/**
 * Cluster mode's {@code file_trigger_taken} pruned on real PostgreSQL (a fresh database, migrated by Flyway as a
 * replica does it), with two camel-file consumers built as FileTriggerSource builds them (two replicas) scanning one
 * directory through the shared claims: claims older than the retention go once their file left the directory,
 * fresh ones stay, and the claim of a file still being run stays, whatever its age, so the other replica's scans do
 * not take that file again.
 */
class FileClaimsPruneTest {

    private static final String FLOW = "inbox.yml";
    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path root;

    private FreshPostgresDatabase database;
    private Database db;
    private final List<DefaultCamelContext> replicas = new CopyOnWriteArrayList<>();
    /** "replica:file" for every file a replica ran. */
    private final List<String> runs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void freshDatabase() throws Exception {
        database = FreshPostgresDatabase.create("octoflow_claims");
        db = database.open();
    }

    @AfterEach
    void drop() throws Exception {
        for (DefaultCamelContext replica : replicas) {
            replica.stop();
        }
        db.close();
        database.close();
    }

    /** A replica's consumer of {@code inbox}: each file is one "run", which waits for {@code release}, then moves it. */
    private void replica(String replica, Path inbox, CountDownLatch release) throws Exception {
        DefaultCamelContext camel = PlainCamel.withoutCliConnector();
        FileEndpoint endpoint = camel.getEndpoint(FileTriggerSource.uri(inbox, "*.json", 100), FileEndpoint.class);
        endpoint.setIdempotentRepository(new SharedFileClaims(db, FLOW));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(endpoint).process(exchange -> {
                    Path file = Path.of(exchange.getMessage().getHeader("CamelFileAbsolutePath", String.class));
                    runs.add(replica + ":" + file.getFileName());
                    assertThat(release.await(2, TimeUnit.MINUTES)).isTrue();
                    Files.createDirectories(inbox.resolve(".done"));
                    Files.move(file, inbox.resolve(".done").resolve(file.getFileName()),
                            StandardCopyOption.ATOMIC_MOVE);
                });
            }
        });
        camel.start();
        replicas.add(camel);
    }

    private List<String> claims() throws Exception {
        return db.inTransaction("read the claims", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT file_key FROM file_trigger_taken ORDER BY file_key")) {
                List<String> keys = new java.util.ArrayList<>();
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
                return keys;
            }
        });
    }

    /** Every claim taken {@code days} ago (as if the run had lasted that long). */
    private void ageClaims(int days) {
        db.inTransaction("age the claims", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE file_trigger_taken SET taken_at = ?")) {
                SqlTimes.set(ps, 1, Instant.now().minus(Duration.ofDays(days)));
                return ps.executeUpdate();
            }
        });
    }

    @Test
    void oldClaimsOfFilesGoneGoFreshOnesAndThoseOfAFileStillBeingRunStay() throws Exception {
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        FileClaimsPruner pruner = new FileClaimsPruner(db, RETENTION, () -> Map.of(FLOW, inbox));
        CountDownLatch slowRun = new CountDownLatch(1);
        replica("a", inbox, slowRun);
        Files.writeString(inbox.resolve("slow-1.json"), "{\"n\": 1}");
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.contains("a:slow-1.json"));

        // a's run of slow-1.json lasts past the retention; two other files were taken and moved out long ago
        SharedFileClaims claims = new SharedFileClaims(db, FLOW);
        assertThat(claims.add("gone-2.json-8-1700000000000")).isTrue();
        assertThat(claims.add("other-3.json-8-1700000000000")).isTrue();
        ageClaims(31);
        assertThat(claims.add("fresh-4.json-8-1700000000000")).isTrue();

        assertThat(pruner.prune()).isEqualTo(2);
        List<String> kept = claims();
        assertThat(kept).hasSize(2).anySatisfy(key -> assertThat(key).startsWith("slow-1.json-"))
                .contains("fresh-4.json-8-1700000000000");

        // replica b scans the same directory while a still runs slow-1.json: its claim refuses it to b
        CountDownLatch quick = new CountDownLatch(0);
        replica("b", inbox, quick);
        Files.writeString(inbox.resolve("next-5.json"), "{\"n\": 5}");
        await().atMost(Duration.ofSeconds(60)).until(() -> runs.contains("b:next-5.json"));
        assertThat(runs).containsExactlyInAnyOrder("a:slow-1.json", "b:next-5.json");

        // once its run ended and it moved out, the old claim of slow-1.json goes too; next-5.json's is fresh
        slowRun.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox.resolve(".done/slow-1.json"))
                && Files.exists(inbox.resolve(".done/next-5.json")));
        assertThat(pruner.prune()).isEqualTo(1);
        assertThat(claims()).hasSize(2).contains("fresh-4.json-8-1700000000000")
                .anySatisfy(key -> assertThat(key).startsWith("next-5.json-"));
        assertThat(runs).containsExactlyInAnyOrder("a:slow-1.json", "b:next-5.json");
    }

    @Test
    void aClaimIsOfAFileByItsNameWhateverDashesTheNameHas() {
        assertThat(FileClaimsPruner.ofFileIn("a-b-c.json-12-1700000000000", java.util.Set.of("a-b-c.json"))).isTrue();
        assertThat(FileClaimsPruner.ofFileIn("a-b-c.json-12-1700000000000", java.util.Set.of("b-c.json", "c.json")))
                .isFalse();
        assertThat(FileClaimsPruner.ofFileIn("x.json-12-1700000000000", java.util.Set.of())).isFalse();
    }
}
