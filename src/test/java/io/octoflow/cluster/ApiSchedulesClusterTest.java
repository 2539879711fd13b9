package io.octoflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.cluster.ClusterRig.Replica;
import io.octoflow.support.EmbeddedPostgres;

/**
 * Issue 19 in cluster mode: a schedule added over one replica's API is stored (api_schedules) and every other replica
 * applies it on its heartbeat (one shared Quartz trigger, its fires run once); removed over one replica's API, it
 * leaves the store, the shared trigger and every replica.
 */
class ApiSchedulesClusterTest {

    @TempDir
    Path root;

    @Test
    void anApiScheduleReachesEveryReplicaAndLeavesThemAll() throws Exception {
        try (ClusterRig rig = new ClusterRig(root, EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password())) {
            Files.writeString(rig.flows().resolve("beat.yml"), "name: beat\nsteps:\n  - name: mark\n"
                    + "    type: set_fact\n    set_fact:\n      value: \"{{ __timestamp__ }}\"\n");
            Replica a = rig.start("a");
            Replica b = rig.start("b");
            for (Replica replica : new Replica[] {a, b}) {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ClusterRig.ready(replica));
            }
            var added = ClusterRig.post(a, "/api/flows/add", "{\"path\": \"beat.yml\", \"every_seconds\": 2}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            String id = new ObjectMapper().readTree(added.body()).path("id").asText();

            await().atMost(Duration.ofSeconds(60)).until(() -> ClusterRig.get(b, "/api/flows").body().contains(id));
            assertThat(rig.count("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?", id)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> rig.count("SELECT count(*) FROM executions WHERE"
                    + " flow_path = 'beat.yml' AND trigger_type = 'schedule'") >= 3);
            assertThat(ClusterTest.duplicates(rig.scheduledRuns())).as("fires run twice").isEmpty();

            assertThat(delete(b, "/api/flows/" + id).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(60)).until(() -> !ClusterRig.get(a, "/api/flows").body().contains(id));
            assertThat(rig.count("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?", id)).isZero();
            assertThat(rig.count("SELECT count(*) FROM api_schedules")).isZero();
        }
    }

    private static HttpResponse<String> delete(Replica replica, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port()
                + path)).header("Authorization", "Bearer " + ClusterRig.TOKEN).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
