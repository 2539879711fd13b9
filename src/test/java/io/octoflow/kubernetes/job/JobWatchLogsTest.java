package io.octoflow.kubernetes.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The log cap keeps the end of the output (a flow reads the last lines), whole lines and whole characters. */
class JobWatchLogsTest {

    @Test
    void shortLogsAreKeptWhole() {
        assertThat(JobWatch.lastBytes("a\nb\n", 64)).isEqualTo("a\nb\n");
    }

    @Test
    void longLogsKeepTheirLastWholeLines() {
        String log = "first line that is long\nsecond\n{\"result\": 42}\n";
        String kept = JobWatch.lastBytes(log, 24);
        assertThat(kept).isEqualTo("second\n{\"result\": 42}\n");
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(24);
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String log = "ééééééééééé"; // no line break: cut inside the text, on a character boundary
        String kept = JobWatch.lastBytes(log, 5);
        assertThat(kept).isEqualTo("éé");
    }
}
