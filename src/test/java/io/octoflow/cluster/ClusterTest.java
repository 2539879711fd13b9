package io.octoflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.cluster.ClusterRig.Replica;
import io.octoflow.support.EmbeddedPostgres;

/**
 * Issue 14 #3 and #4: real `octoflow run` replicas in cluster mode on one PostgreSQL, 50 flows on
 * {@code every_seconds: 1}. Every (flow, fire time) runs exactly once (counted from the shared history: no
 * duplicate, no gap), a launch on one replica's API gets 409 while another replica runs the flow, and after
 * {@code kill -9} of a replica the others take over its triggers and its stale lock: no fire is lost later than
 * 20 s after the kill. The issue asks for 60 s of firing; the test observes about 25 s before and 25 s after the
 * kill (50 fires a second on a 2-core machine shared with the rest of the suite), the benchmark
 * (bench/ClusterBench) runs the full 60 s.
 */
class ClusterTest {

    static final int FLOWS = 50;
    /** The bound: a dead replica's triggers and locks are taken over within this. */
    static final Duration TAKEOVER = Duration.ofSeconds(20);

    @TempDir
    Path root;

    @Test
    void twoReplicasFireEachScheduleOnceShareTheirLocksAndTakeOverAfterKill9() throws Exception {
        try (ClusterRig rig = new ClusterRig(root, EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password())) {
            rig.tickFlows(FLOWS);
            rig.slowFlow(600);
            rig.queueFlow(600);
            Replica a = rig.start("a");
            awaitReady(rig, a);
            // on A, one run of the queue flow holds its lock and a second launch waits (a queued row of A's)
            String inFlight = launch(a, "queued.yml");
            await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(rig, inFlight)));
            String waiting = launch(a, "queued.yml");
            assertThat(status(rig, waiting)).isEqualTo("queued");
            Replica b = rig.start("b");
            awaitReady(rig, b);
            Instant from = Instant.now().plusSeconds(3);

            // B's start leaves the queued launch of A, a live replica, to A (issue 18: else both would queue it)
            assertThat(owner(rig, waiting)).as("owner of the queued row").isEqualTo(replicaId(rig, a));
            assertThat(rig.log(b)).doesNotContain("queued again").doesNotContain("taken over");

            // one lock across replicas: the run on A holds it, B answers 409
            assertThat(ClusterRig.post(a, "/api/flows/launch", "{\"path\": \"slow.yml\"}").statusCode())
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.count(
                    "SELECT count(*) FROM octoflow_locks WHERE flow = 'slow.yml'") == 1);
            var refused = ClusterRig.post(b, "/api/flows/launch", "{\"path\": \"slow.yml\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(ClusterRig.post(a, "/api/flows/launch", "{\"path\": \"slow.yml\"}").statusCode())
                    .isEqualTo(409);

            Thread.sleep(25_000); // both replicas fire
            String aId = replicaId(rig, a);
            String bId = replicaId(rig, b);
            Instant killed = Instant.now();
            ClusterRig.kill(a);

            // B marks the run A was making aborted, takes A's queued launch over and runs it, once
            await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(500)).until(() ->
                    "aborted".equals(status(rig, inFlight)) && "running".equals(status(rig, waiting)));
            assertThat(rig.text("SELECT error FROM executions WHERE id = ?", inFlight))
                    .isEqualTo("replica " + aId + " stopped answering (no heartbeat for CLUSTER_STALE_SECONDS):"
                            + " the run was cut short");
            assertThat(owner(rig, waiting)).isEqualTo(bId);
            assertThat(rig.count("SELECT count(*) FROM executions WHERE flow_path = 'queued.yml'")).isEqualTo(2);
            assertThat(rig.count("SELECT count(*) FROM octoflow_locks WHERE flow = 'queued.yml' AND replica = ?"
                    + " AND execution = ?", bId, waiting)).as("B runs it under the flow's lock").isEqualTo(1);

            // B takes the dead replica's stale lock over: its own launch of the flow is admitted
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    ClusterRig.post(b, "/api/flows/launch", "{\"path\": \"slow.yml\"}").statusCode() == 202);
            Thread.sleep(25_000); // B alone
            Instant to = Instant.now().minusSeconds(3);

            Map<String, Map<Long, Integer>> runs = rig.scheduledRuns();
            assertThat(duplicates(runs)).as("(flow, fire time) run more than once").isEmpty();
            List<String> gaps = new ArrayList<>();
            gaps.addAll(gaps(runs, from, killed.minusSeconds(1)));
            gaps.addAll(gaps(runs, killed.plus(TAKEOVER), to));
            assertThat(gaps).as("fires missing from the history; replica logs:\n" + rig.log(a).lines()
                    .filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(40).toList()).isEmpty();
            assertThat(runs).hasSize(FLOWS);
        }
    }

    @Test
    void threeReplicasShareTheSchedulesAndARemovedScheduleLeavesTheStore() throws Exception {
        try (ClusterRig rig = new ClusterRig(root, EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password())) {
            rig.tickFlows(FLOWS);
            Replica a = rig.start("a");
            Replica b = rig.start("b");
            Replica c = rig.start("c");
            awaitReady(rig, a, b, c);
            Instant from = Instant.now().plusSeconds(3);
            Thread.sleep(20_000);
            Instant killed = Instant.now();
            ClusterRig.kill(b);
            Thread.sleep(TAKEOVER.toMillis() + 10_000);
            Instant to = Instant.now().minusSeconds(3);

            Map<String, Map<Long, Integer>> runs = rig.scheduledRuns();
            assertThat(duplicates(runs)).as("(flow, fire time) run more than once").isEmpty();
            List<String> gaps = new ArrayList<>(gaps(runs, from, killed.minusSeconds(1)));
            gaps.addAll(gaps(runs, killed.plus(TAKEOVER), to));
            assertThat(gaps).as("fires missing from the history").isEmpty();
            // each replica that lived fired some of them (Quartz spreads the acquisitions)
            assertThat(rig.count("SELECT count(*) FROM qrtz_triggers")).isEqualTo(FLOWS);

            // removing a flow's schedule removes its trigger from the shared store
            Files.delete(rig.flows().resolve("tick_07.yml"));
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.count("SELECT count(*) FROM qrtz_triggers")
                    == FLOWS - 1);
        }
    }

    /** Launches a flow on a replica's API (202), its execution id. */
    private static String launch(Replica replica, String path) throws Exception {
        var launched = ClusterRig.post(replica, "/api/flows/launch", "{\"path\": \"" + path + "\"}");
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(202);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(launched.body()).get("execution_id")
                .asText();
    }

    private static String status(ClusterRig rig, String execution) throws Exception {
        return rig.text("SELECT status FROM executions WHERE id = ?", execution);
    }

    private static String owner(ClusterRig rig, String execution) throws Exception {
        return rig.text("SELECT replica_id FROM executions WHERE id = ?", execution);
    }

    /** The replica's id in octoflow_replicas (host, pid, random suffix): found by its process's pid. */
    private static String replicaId(ClusterRig rig, Replica replica) throws Exception {
        return rig.text("SELECT id FROM octoflow_replicas WHERE pid = ?", replica.process().pid());
    }

    private static void awaitReady(ClusterRig rig, Replica... replicas) throws Exception {
        for (Replica replica : replicas) {
            try {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ClusterRig.ready(replica));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("replica " + replica.name() + " did not get ready:\n" + rig.log(replica), e);
            }
        }
    }

    /** "path @ time x n" for every (flow, fire time) with more than one row. */
    static List<String> duplicates(Map<String, Map<Long, Integer>> runs) {
        List<String> found = new ArrayList<>();
        runs.forEach((path, fires) -> fires.forEach((at, n) -> {
            if (n > 1) {
                found.add(path + " @ " + Instant.ofEpochMilli(at) + " x " + n);
            }
        }));
        return found;
    }

    /** "path @ second" for every whole second in [from, to] at which a flow has no scheduled run. */
    static List<String> gaps(Map<String, Map<Long, Integer>> runs, Instant from, Instant to) {
        List<String> missing = new ArrayList<>();
        long first = from.toEpochMilli() / 1000 + 1;
        long last = to.toEpochMilli() / 1000;
        new TreeMap<>(runs).forEach((path, fires) -> {
            for (long second = first; second <= last; second++) {
                if (!fires.containsKey(second * 1000)) {
                    missing.add(path + " @ " + Instant.ofEpochSecond(second));
                }
            }
        });
        return missing;
    }
}
