package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

/** file reads under FILE_READ_MAX_BYTES, and only of regular files. */
class FileReadLimitsTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir).set("FILE_READ_MAX_BYTES", "1000");
        fx.flow("read.yml", """
                name: read
                steps:
                  - name: read
                    type: file
                    file:
                      path: "{{ __input__.file }}"
                      type: text
                """);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private RunResult read(String file) {
        return fx.run("read.yml", Map.of("file", file), Map.of());
    }

    @Test
    void aFileOverTheBoundFailsWithItsNameSizeAndTheSetting() {
        fx.dataFile("in/big.txt", "x".repeat(1001));

        RunResult r = read("in/big.txt");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("file 'in/big.txt' is 1001 bytes, more than FILE_READ_MAX_BYTES (1000)");
    }

    @Test
    void aFileAtTheBoundIsRead() {
        fx.dataFile("in/full.txt", "y".repeat(1000));

        RunResult r = read("in/full.txt");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("read")).isEqualTo("y".repeat(1000));
    }

    @Test
    void aFifoIsRefusedInsteadOfWaitedOn() throws Exception {
        Path fifo = fx.data().resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).as("mkfifo").isZero();

        RunResult r = read("pipe");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("file 'pipe' in DATA_PATH is not a regular file");
    }
}
