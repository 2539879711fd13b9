package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.FlowFixture.LogCapture;

class DebugStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void logsTheDataKeyValueAsPythonTextWithTheTemplatedMessageAndStoresIt() {
        fx.flow("debug.yml", """
                name: debug flow
                steps:
                  - name: counter
                    type: set_fact
                    set_fact:
                      value: {n: 3, tags: [a, b]}
                  - name: show
                    type: debug
                    debug:
                      data_key: counter
                      type: text
                      message: "counted to {{ counter.n }}"
                  - name: show yaml
                    type: debug
                    debug:
                      data_key: counter
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r;
        List<String> lines;
        try (LogCapture log = new LogCapture("io.octoflow.debug")) {
            r = fx.run("debug.yml");
            lines = log.lines();
        }

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(FlowFixture.stored(r.data())).containsOnlyKeys("counter", "show", "show yaml", "after");
        assertThat(r.data().get("show")).isEqualTo(r.data().get("counter"));
        assertThat(r.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("counter:success", "show:success", "show yaml:success", "after:success");
        assertThat(lines).containsExactly("[debug flow show] counted to 3 {'n': 3, 'tags': ['a', 'b']}",
                "[debug flow show yaml] \nn: 3\ntags:\n- a\n- b\n");
    }

    @Test
    void withoutDataKeyLogsTheWholeData() {
        fx.flow("debug_all.yml", """
                name: debug all
                steps:
                  - name: all
                    type: debug
                """);

        RunResult r;
        List<String> lines;
        try (LogCapture log = new LogCapture("io.octoflow.debug")) {
            r = fx.run("debug_all.yml", Map.of("x", 1));
            lines = log.lines();
        }

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(FlowFixture.stored(r.data())).containsEntry("x", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) r.data().get("all");
        // the whole data holds the special variables too, as on the spooler
        assertThat(FlowFixture.stored(all)).isEqualTo(Map.of("x", 1));
        assertThat(lines).singleElement().satisfies(l -> assertThat(l).startsWith("[debug all all] \n__errors__: []")
                .endsWith("x: 1\n"));
    }
}
