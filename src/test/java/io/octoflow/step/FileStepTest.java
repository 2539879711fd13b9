package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

class FileStepTest {

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
    void readsYamlWhateverTheExtensionUnlessTheTypeSaysJsonOrText() {
        fx.dataFile("in/tickets.json", """
                {"result": [{"id": "T-1", "n": 1}, {"id": "T-2", "n": 2}]}
                """);
        fx.dataFile("in/config.yml", """
                owner: ops
                tags: [a, b]
                at: 12:30
                flag: yes
                exp: 1e3
                day: 2025-05-26
                """);
        fx.dataFile("in/config.yaml", "level: 3\n");
        fx.dataFile("in/notes.txt", "line one\nline two\n");
        fx.flow("read.yml", """
                name: read files
                steps:
                  - name: json
                    type: file
                    file:
                      path: in/tickets.json
                      type: json
                  - name: json read as yaml
                    type: file
                    file:
                      path: in/tickets.json
                  - name: yml
                    type: file
                    file:
                      path: in/config.yml
                  - name: yaml
                    type: file
                    file:
                      path: in/config.yaml
                  - name: text
                    type: file
                    result_key: notes
                    file:
                      path: in/notes.txt
                      type: text
                  - name: text read as yaml
                    type: file
                    file:
                      path: in/notes.txt
                """);

        RunResult r = fx.run("read.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("json")).isEqualTo(Map.of("result",
                List.of(Map.of("id", "T-1", "n", 1), Map.of("id", "T-2", "n", 2))));
        assertThat(r.data().get("json read as yaml")).isEqualTo(r.data().get("json"));
        // YAML 1.1 as PyYAML reads it: sexagesimal 12:30, yes a boolean, 1e3 a string, a date a Python date
        assertThat(r.data().get("yml")).isEqualTo(Map.of("owner", "ops", "tags", List.of("a", "b"), "at", 750,
                "flag", true, "exp", "1e3", "day", io.octoflow.template.PythonDate.parse("2025-05-26")));
        assertThat(r.data().get("yaml")).isEqualTo(Map.of("level", 3));
        assertThat(r.data().get("notes")).isEqualTo("line one\nline two\n");
        assertThat(r.data().get("text read as yaml")).isEqualTo("line one line two");
    }

    @Test
    void explicitTypeWinsOverTheExtension() {
        fx.dataFile("in/data.txt", "{\"a\": [1, 2]}");
        fx.dataFile("in/raw.json", "{\"a\": 1}");
        fx.flow("typed.yml", """
                name: typed read
                steps:
                  - name: as json
                    type: file
                    file:
                      path: in/data.txt
                      type: json
                  - name: as text
                    type: file
                    file:
                      path: in/raw.json
                      type: text
                """);

        RunResult r = fx.run("typed.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("as json")).isEqualTo(Map.of("a", List.of(1, 2)));
        assertThat(r.data().get("as text")).isEqualTo("{\"a\": 1}");
    }

    @Test
    void jqExpressionAppliesToTheFileContent() {
        fx.dataFile("in/tickets.json", """
                {"result": [{"id": "T-1"}, {"id": "T-2"}]}
                """);
        fx.flow("jq.yml", """
                name: read with jq
                steps:
                  - name: read
                    type: file
                    result_key: ids
                    file:
                      path: in/tickets.json
                    jq_expression: "[.result[].id]"
                """);

        RunResult r = fx.run("jq.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("ids")).isEqualTo(List.of("T-1", "T-2"));
    }

    @Test
    void writesYamlByDefaultJsonAndTextWhenTypedAndStoresAnEmptyMapping() throws Exception {
        fx.flow("write.yml", """
                name: write files
                steps:
                  - name: payload
                    type: set_fact
                    set_fact:
                      value:
                        id: T-1
                        tags: [x, y]
                  - name: message
                    type: set_fact
                    set_fact:
                      value: "hello file"
                  - name: write json
                    type: file
                    file:
                      path: out/payload.json
                      mode: write
                      type: json
                      data_key: payload
                  - name: write yaml
                    type: file
                    file:
                      path: out/payload.yml
                      mode: write
                      data_key: payload
                  - name: write text
                    type: file
                    file:
                      path: out/message.txt
                      mode: write
                      type: text
                      data_key: message
                  - name: write yaml whatever the extension
                    type: file
                    file:
                      path: out/payload.json.bak
                      mode: write
                      data_key: payload
                """);

        RunResult r = fx.run("write.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("write json")).isEqualTo(Map.of());
        assertThat(r.data().get("write yaml")).isEqualTo(Map.of());
        assertThat(r.data().get("write text")).isEqualTo(Map.of());
        // Python's json.dump and PyYAML's dump(default_flow_style=False), byte for byte
        assertThat(fx.readData("out/payload.json")).isEqualTo("{\"id\": \"T-1\", \"tags\": [\"x\", \"y\"]}");
        assertThat(fx.readData("out/payload.yml")).isEqualTo("id: T-1\ntags:\n- x\n- y\n");
        assertThat(fx.readData("out/payload.json.bak")).isEqualTo("id: T-1\ntags:\n- x\n- y\n");
        assertThat(fx.readData("out/message.txt")).isEqualTo("hello file");
    }

    @Test
    void writeOverwritesAnExistingFile() {
        fx.dataFile("out/state.txt", "old content that is longer than the new one");
        fx.flow("overwrite.yml", """
                name: overwrite
                steps:
                  - name: message
                    type: set_fact
                    set_fact:
                      value: "new"
                  - name: write
                    type: file
                    file:
                      path: out/state.txt
                      mode: write
                      type: text
                      data_key: message
                """);

        RunResult r = fx.run("overwrite.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(fx.readData("out/state.txt")).isEqualTo("new");
    }

    @Test
    void appendConcatenatesDocumentsAsTheSpoolerDoes() throws Exception {
        fx.flow("append.yml", """
                name: append documents
                steps:
                  - name: entry
                    type: set_fact
                    set_fact:
                      value:
                        n: "{{ ((entry.n if entry is defined else 0) | int) + 1 }}"
                  - name: log
                    type: file
                    file:
                      path: out/log.json
                      mode: append
                      type: json
                      data_key: entry
                  - name: log yaml
                    type: file
                    file:
                      path: out/log.yml
                      mode: append
                      data_key: entry
                  - name: again
                    type: goto
                    when: "entry.n < 3"
                    goto:
                      step_name: entry
                """);

        RunResult r = fx.run("append.yml");
        RunResult second = fx.run("append.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(second.status()).as(second.error()).isEqualTo(RunStatus.SUCCESS);
        // open(path, "a") then json.dump / yaml.dump: no separator between documents
        String three = "{\"n\": 1}{\"n\": 2}{\"n\": 3}";
        assertThat(fx.readData("out/log.json")).isEqualTo(three + three);
        assertThat(fx.readData("out/log.yml")).isEqualTo("n: 1\nn: 2\nn: 3\nn: 1\nn: 2\nn: 3\n");
    }

    @Test
    void appendTextAddsANewline() {
        fx.dataFile("out/log.txt", "first\n");
        fx.flow("append_text.yml", """
                name: append text
                steps:
                  - name: line
                    type: set_fact
                    set_fact:
                      value: second
                  - name: log
                    type: file
                    file:
                      path: out/log.txt
                      mode: append
                      data_key: line
                """);

        RunResult r = fx.run("append_text.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(fx.readData("out/log.txt")).isEqualTo("first\nsecond\n");
    }

    @Test
    void templatedPathWithTimestamp() throws Exception {
        fx.flow("stamped.yml", """
                name: stamped
                steps:
                  - name: payload
                    type: set_fact
                    set_fact:
                      value: [1, 2, 3]
                  - name: write
                    type: file
                    file:
                      path: "out/result_{{ __timestamp__ }}.yml"
                      mode: write
                      data_key: payload
                """);

        RunResult r = fx.run("stamped.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("write")).isEqualTo(Map.of());
        String written;
        try (Stream<Path> files = Files.list(fx.data().resolve("out"))) {
            written = files.map(p -> "out/" + p.getFileName()).reduce("", (x, y) -> x.isEmpty() ? y : x + "," + y);
        }
        assertThat(written).matches("out/result_\\d{14}\\.yml");
        assertThat(new YAMLMapper().readValue(fx.readData(written), List.class)).isEqualTo(List.of(1, 2, 3));
    }

    @Test
    void writeWithDataKeyDotWritesTheWholeData() throws Exception {
        fx.flow("dump.yml", """
                name: dump
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: 1
                  - name: b
                    type: set_fact
                    set_fact:
                      value: [x]
                  - name: dump
                    type: file
                    file:
                      path: out/all.json
                      mode: write
                      type: json
                      data_key: "."
                """);

        RunResult r = fx.run("dump.yml", Map.of("given", "yes"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> written = new ObjectMapper().readValue(fx.readData("out/all.json"), Map.class);
        // the whole data, special variables included, as on the spooler
        assertThat(FlowFixture.stored(written)).isEqualTo(Map.of("given", "yes", "a", 1, "b", List.of("x")));
        assertThat(written).containsKeys(FlowFixture.SPECIAL_KEYS.toArray(String[]::new))
                .containsEntry("__flow_path__", "dump.yml");
    }

    @Test
    void readingAMissingFileFailsTheStep() {
        fx.flow("missing.yml", """
                name: missing file
                steps:
                  - name: read nothing
                    type: file
                    file:
                      path: in/absent.json
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = fx.run("missing.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("read nothing").contains("in/absent.json").contains("does not exist");
        assertThat(r.data()).doesNotContainKey("after");
    }

    @Test
    void writeWithoutDataKeyIsInvalid() {
        fx.flow("bad.yml", """
                name: bad write
                steps:
                  - name: write
                    type: file
                    file:
                      path: out/x.json
                      mode: write
                """);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.load("bad.yml"))
                .isInstanceOf(io.octoflow.flow.InvalidFlowException.class)
                .hasMessageContaining("data_key");
    }
}
