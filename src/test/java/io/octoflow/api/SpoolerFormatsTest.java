package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.history.Execution;

/** The spooler API's time format and time filters, its job states and statuses, and the log tail. */
class SpoolerFormatsTest {

    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    @TempDir
    Path dir;

    @Test
    void timesReadLikePythonsIsoformatInTheTimezone() {
        Instant summer = Instant.parse("2026-05-23T12:00:00Z");
        assertThat(SpoolerTime.format(summer, BRUSSELS)).isEqualTo("2026-05-23T14:00:00+02:00");
        assertThat(SpoolerTime.format(summer.plusNanos(123_456_789), BRUSSELS))
                .isEqualTo("2026-05-23T14:00:00.123456+02:00");
        assertThat(SpoolerTime.format(summer.plusMillis(5), ZoneId.of("UTC")))
                .isEqualTo("2026-05-23T12:00:00.005000+00:00");
        assertThat(SpoolerTime.format(null, BRUSSELS)).isNull();
    }

    @Test
    void timeFiltersTakeUnixSecondsIsoTimesAndLocalTimesInTheTimezone() {
        Instant expected = Instant.parse("2026-05-23T12:00:00Z");
        assertThat(SpoolerTime.parse("1779537600", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("1779537600.25", "t", BRUSSELS)).isEqualTo(expected.plusMillis(250));
        assertThat(SpoolerTime.parse("2026-05-23T14:00:00+02:00", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23 14:00:00+02:00", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23T14:00:00+0200", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23T12:00:00Z", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23 14:00:00", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23T14:00", "t", BRUSSELS)).isEqualTo(expected);
        assertThat(SpoolerTime.parse("2026-05-23", "t", BRUSSELS)).isEqualTo(Instant.parse("2026-05-22T22:00:00Z"));
        assertThat(SpoolerTime.parse(" ", "t", BRUSSELS)).isNull();
        assertThatThrownBy(() -> SpoolerTime.parse("last tuesday", "start_time_from", BRUSSELS))
                .isInstanceOf(ApiException.class).hasMessageContaining("start_time_from")
                .hasMessageContaining("last tuesday");
    }

    @Test
    void octoflowStatusesMapOntoSpoolerStatesAndStatuses() {
        assertThat(job("queued")).isEqualTo("pending/unknown");
        assertThat(job("running")).isEqualTo("running/unknown");
        assertThat(job("success")).isEqualTo("finished/success");
        assertThat(job("failed")).isEqualTo("finished/failed");
        assertThat(job("timeout")).isEqualTo("finished/failed");
        assertThat(job("exit")).isEqualTo("finished/exit");
        assertThat(job("aborted")).isEqualTo("finished/unknown");
        assertThat(SpoolerJob.isJob(row("skipped"))).isFalse();

        assertThat(SpoolerJob.statuses(null, null))
                .containsExactlyInAnyOrder("queued", "running", "success", "failed", "exit", "timeout", "aborted");
        assertThat(SpoolerJob.statuses("pending", null)).containsExactly("queued");
        assertThat(SpoolerJob.statuses("finished", "failed")).containsExactlyInAnyOrder("failed", "timeout");
        assertThat(SpoolerJob.statuses(null, "unknown")).containsExactlyInAnyOrder("queued", "running", "aborted");
        assertThat(SpoolerJob.statuses("running", "success")).isEmpty();
        assertThat(SpoolerJob.statuses("stopping", null)).isEmpty();
        assertThat(SpoolerJob.statuses(null, "error")).isEmpty();
        assertThatThrownBy(() -> SpoolerJob.statuses("done", null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("state: expected one of pending, running, stopping, finished");
    }

    @Test
    void theLogTailKeepsLineEndsAndReadsAcrossChunks() throws Exception {
        Path log = dir.resolve("octoflow.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 5000; i++) {
            text.append("line ").append(i).append(" ").append("x".repeat(40)).append('\n');
        }
        Files.writeString(log, text, StandardCharsets.UTF_8);
        assertThat(SpoolerLogsApi.lastLines(log, 2)).containsExactly("line 4999 " + "x".repeat(40) + "\n",
                "line 5000 " + "x".repeat(40) + "\n");
        assertThat(SpoolerLogsApi.lastLines(log, 3000)).hasSize(3000).first().asString().startsWith("line 2001 ");
        assertThat(SpoolerLogsApi.lastLines(log, 10_000)).hasSize(5000).first().asString().startsWith("line 1 ");

        Files.writeString(log, "a\nb\nno end", StandardCharsets.UTF_8);
        assertThat(SpoolerLogsApi.lastLines(log, 2)).containsExactly("b\n", "no end");
        Files.writeString(log, "", StandardCharsets.UTF_8);
        assertThat(SpoolerLogsApi.lastLines(log, 5)).isEmpty();
    }

    private static String job(String status) {
        Execution e = row(status);
        assertThat(SpoolerJob.isJob(e)).isTrue();
        return SpoolerJob.state(e) + "/" + SpoolerJob.status(e);
    }

    private static Execution row(String status) {
        return new Execution("id", "f", "f.yml", "api", null, Instant.now(), null, status, null, null, null, null);
    }
}
