package io.octoflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;

/**
 * Issue 14 #3 on one node: a schedule's id is the same at every start (a name-based UUID of source, path and
 * timing). On one node a restart still fires an every_seconds schedule of a flow file at once (rego's periodic
 * tasks rely on it); in cluster mode the trigger lives in the shared store and a start does not re-fire it
 * (ClusterTest).
 */
class ScheduleRestartTest {

    private static final String FLOW = """
            name: hourly beat
            every_seconds: 3600
            steps:
              - name: mark
                type: set_fact
                set_fact:
                  value: "{{ __timestamp__ }}"
            """;

    @TempDir
    Path root;

    @Test
    void aRestartKeepsTheScheduleId() throws Exception {
        String id;
        try (ServiceFixture one = new ServiceFixture(root)) {
            one.files().flow("beat.yml", FLOW);
            one.start();
            // a new schedule fires at once
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    one.service().store().lastScheduledFire("beat.yml").isPresent());
            id = one.service().scheduler().entries().get(0).id();
            assertThat(id).isEqualTo(ScheduleIds.of("file", "beat.yml", null, 3600L));
        }
        try (ServiceFixture two = new ServiceFixture(root)) {
            two.start();
            Scheduler scheduler = two.service().scheduler();
            ScheduleEntry entry = scheduler.entries().get(0);
            assertThat(entry.id()).isEqualTo(id);
            assertThat(scheduler.find(id)).contains(entry);
        }
    }

    @Test
    void idsDependOnSourcePathAndTimingOnly() {
        assertThat(ScheduleIds.of("file", "a.yml", null, 5L)).isEqualTo(ScheduleIds.of("file", "a.yml", null, 5L))
                .isNotEqualTo(ScheduleIds.of("config", "a.yml", null, 5L))
                .isNotEqualTo(ScheduleIds.of("file", "b.yml", null, 5L))
                .isNotEqualTo(ScheduleIds.of("file", "a.yml", null, 6L))
                .isNotEqualTo(ScheduleIds.of("file", "a.yml", "*/5 * * * *", null));
    }
}
