package io.octoflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.operations.DeployedFlowOperations;
import io.octoflow.support.CapturedLogs;
import io.octoflow.support.ServiceFixture;

/**
 * Issue 19: a schedule added with {@code POST /api/flows/add} is kept in the database (Flyway V11): a new service on
 * the same DATA_PATH has it and runs it; {@code DELETE /api/flows/{id}} removes it for good. A pause restored for a
 * flow without a schedule is not reported as schedules "paused since before the restart".
 */
class ApiScheduleRestartTest {

    private static final String FLOW = """
            name: beat
            steps:
              - name: mark
                type: set_fact
                set_fact:
                  value: "{{ __timestamp__ }}"
            """;

    @TempDir
    Path root;

    @Test
    void aScheduleAddedOverTheApiSurvivesARestartAndFires() throws Exception {
        String id;
        try (ServiceFixture one = new ServiceFixture(root)) {
            one.files().flow("beat.yml", FLOW);
            one.start();
            var added = one.post("/api/flows/add", "{\"path\": \"beat.yml\", \"every_seconds\": 3600,"
                    + " \"timeout_seconds\": 120}");
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            id = added.json().path("id").asText();
            assertThat(id).isNotBlank();
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduledRuns(one).size() == 1);
        }
        Instant restart = Instant.now();
        try (ServiceFixture two = new ServiceFixture(root)) {
            two.start();
            ScheduleEntry entry = two.service().scheduler().find(id).orElseThrow(
                    () -> new AssertionError("the API's schedule is gone after the restart"));
            assertThat(entry.path()).isEqualTo("beat.yml");
            assertThat(entry.everySeconds()).isEqualTo(3600L);
            assertThat(entry.timeoutSeconds()).isEqualTo(120L);
            assertThat(entry.source()).isEqualTo("api");
            // an every_seconds schedule runs at once when applied, also at a restart (as a flow file's does)
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduledRuns(two).stream()
                    .anyMatch(run -> !run.startedAt().isBefore(restart)));

            assertThat(two.delete("/api/flows/" + id).status()).isEqualTo(204);
            assertThat(two.service().scheduler().find(id)).isEmpty();
        }
        try (ServiceFixture three = new ServiceFixture(root)) {
            three.start();
            assertThat(three.service().scheduler().entries()).isEmpty();
            assertThat(three.get("/api/flows").body()).doesNotContain(id);
        }
    }

    @Test
    void aSpoolerApiScheduleComesBackToo() throws Exception {
        String id;
        try (ServiceFixture one = new ServiceFixture(root)) {
            one.files().flow("beat.yml", FLOW);
            one.start();
            var added = one.post("/api/v1/schedules", "{\"path\": \"beat.yml\", \"cron\": \"0 3 * * *\"}");
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            id = added.json().path("schedule_id").asText();
        }
        try (ServiceFixture two = new ServiceFixture(root)) {
            two.start();
            assertThat(two.get("/api/v1/schedules").json().path("schedules").findValuesAsText("id")).containsExactly(id);
            assertThat(two.delete("/api/v1/schedules/" + id).status()).isEqualTo(200);
        }
        try (ServiceFixture three = new ServiceFixture(root)) {
            three.start();
            assertThat(three.service().scheduler().entries()).isEmpty();
        }
    }

    @Test
    void aPausedFlowWithoutAScheduleIsNotReportedAsPausedSchedules() throws Exception {
        try (ServiceFixture one = new ServiceFixture(root)) {
            one.files().flow("beat.yml", FLOW);
            one.start();
            assertThat(one.post("/api/flows/beat.yml/pause", "").status()).isLessThan(300);
        }
        try (CapturedLogs logs = CapturedLogs.of(DeployedFlowOperations.class);
                ServiceFixture two = new ServiceFixture(root)) {
            two.start();
            List<String> lines = logs.lines().stream().map(CapturedLogs.Line::message)
                    .filter(m -> m.contains("beat.yml")).toList();
            assertThat(lines).noneMatch(m -> m.contains("since before the restart"))
                    .anyMatch(m -> m.contains("it has no schedule: nothing is skipped"));
        }
    }

    private static List<Execution> scheduledRuns(ServiceFixture service) {
        return service.service().store().list(ExecutionQuery.ofPath("beat.yml", null, 10)).stream()
                .filter(run -> "schedule".equalsIgnoreCase(run.trigger())).toList();
    }
}
