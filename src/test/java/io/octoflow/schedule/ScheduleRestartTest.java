package io.octoflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;

/**
 * Issue 14 #3 on one node: a schedule's id is the same at every start (a name-based UUID of source, path and
 * timing), and a restart does not fire an every_seconds schedule again: it continues the phase of the last fire in
 * the history.
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
    void aRestartKeepsTheScheduleIdAndContinuesThePhaseInsteadOfFiringAgain() throws Exception {
        String id;
        Instant first;
        try (ServiceFixture one = new ServiceFixture(root)) {
            one.files().flow("beat.yml", FLOW);
            one.start();
            // a new schedule fires at once
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    one.service().store().lastScheduledFire("beat.yml").isPresent());
            first = one.service().store().lastScheduledFire("beat.yml").orElseThrow();
            id = one.service().scheduler().entries().get(0).id();
            assertThat(id).isEqualTo(ScheduleIds.of("file", "beat.yml", null, 3600L));
        }
        try (ServiceFixture two = new ServiceFixture(root)) {
            two.start();
            Scheduler scheduler = two.service().scheduler();
            ScheduleEntry entry = scheduler.entries().get(0);
            assertThat(entry.id()).isEqualTo(id);
            assertThat(scheduler.nextFire(entry)).contains(first.plusSeconds(3600));
            assertThat(two.service().store().lastScheduledFire("beat.yml")).contains(first);
        }
    }

    @Test
    void theNextFireInPhaseIsTheFirstLastPlusNIntervalsAfterNow() {
        Instant last = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(Scheduler.nextInPhase(last, 10_000, last.plusSeconds(3)))
                .isEqualTo(last.plusSeconds(10));
        assertThat(Scheduler.nextInPhase(last, 10_000, last.plusSeconds(25)))
                .isEqualTo(last.plusSeconds(30));
        assertThat(Scheduler.nextInPhase(last, 10_000, last.plusSeconds(30)))
                .isEqualTo(last.plusSeconds(40));
        assertThat(Scheduler.nextInPhase(last, 10_000, last.minusSeconds(5)))
                .isEqualTo(last.plusSeconds(10));
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
