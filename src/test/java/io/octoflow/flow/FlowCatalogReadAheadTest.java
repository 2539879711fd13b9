package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * The start-up reads the flow files on several threads ({@link FlowCatalog#readAhead}) and checks and composes each
 * YAML document in one pass: what every file gives (its flow, each problem with its line and column) must be
 * exactly what reading the files one by one, in file order, with the check and the composition as two passes gave.
 */
class FlowCatalogReadAheadTest {

    @TempDir
    Path root;

    Path flows;
    Path templates;

    @BeforeEach
    void setUp() throws IOException {
        flows = Files.createDirectories(root.resolve("flows"));
        templates = Files.createDirectories(root.resolve("templates"));
        Files.writeString(templates.resolve("part.j2"), "{{ x }}");
    }

    private FlowCatalog newCatalog() {
        return new FlowCatalog(StepRegistry.standard(), new Templates(templates), flows, templates);
    }

    private void write(String relative, String yaml) throws IOException {
        Path file = flows.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    @Test
    void readingAheadOnManyThreadsGivesWhatReadingInFileOrderGives() throws IOException {
        String valid = """
                name: valid %d
                cron: "%d * * * *"
                steps:
                  - name: values
                    type: set_fact
                    set_fact:
                      value: [1, 2, "{{ __loop_index__ | default(3) }}"]
                  - name: total
                    type: jq
                    jq:
                      expression: 'map(tonumber) | add'
                      data_key: values
                  - name: show
                    type: debug
                """;
        for (int i = 0; i < 40; i++) {
            write("many/valid-%02d.yml".formatted(i), valid.formatted(i, i % 60));
        }
        write("a/bad-yaml.yml", "name: x\nsteps:\n  - name: a\n    type: debug\n   bad: [\n");
        write("a/warnings.yml", """
                name: warnings
                unknown_key: 1
                steps:
                  - name: j
                    type: jq
                    jq:
                      expression: '.a | | .b'
                  - name: t
                    type: set_fact
                    when: "x ==="
                    set_fact:
                      v: "{{ x | }}"
                  - name: t
                    type: debug
                    goto: nowhere
                """);
        write("a/errors.yml", "name: errors\ncron: \"not a cron\"\nsteps:\n  - name: s\n    type: bogus\n"
                + "  - name: r\n    type: set_fact\n    set_fact: [1]\n");
        write("a/include.yml", "name: include\nsteps:\n  - name: t\n    type: set_fact\n    set_fact:\n"
                + "      v: \"{% include 'part.j2' %}\"\n  - name: f\n    type: template\n    template:\n"
                + "      path: part.j2\n");
        write("b/calls-c.yml", "name: b\nsteps:\n  - name: call c\n    type: flow\n    flow:\n      path: c/cycle.yml\n");
        write("c/cycle.yml", "name: c\nsteps:\n  - name: call b\n    type: flow\n    flow:\n      path: b/calls-c.yml\n");
        write("d/calls-valid.yml", "name: d\nsteps:\n  - name: call\n    type: flow\n    flow:\n"
                + "      path: many/valid-01.yml\n");
        write("d/calls-bad.yml", "name: d2\nsteps:\n  - name: call\n    type: flow_loop\n    flow_loop:\n"
                + "      path: a/errors.yml\n      data_key: x\n");
        write("e/alias-bomb.yml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
        write("e/not-a-mapping.yml", "- just\n- a list\n");
        write("e/empty.yml", "");
        List<Path> files = FlowCatalog.flowFilesUnder(flows).stream().map(f -> f.toAbsolutePath().normalize())
                .toList();

        FlowCatalog inOrder = newCatalog();
        List<List<Problem>> expected = new ArrayList<>();
        List<FlowDefinition> expectedFlows = new ArrayList<>();
        for (Path file : files) {
            expected.add(inOrder.check(file));
            FlowCatalog.Parsed parsed = inOrder.load(file);
            expectedFlows.add(parsed.flow());
        }

        FlowCatalog ahead = newCatalog();
        ahead.readAhead(files, 4);
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            assertThat(ahead.check(file)).as("%s", file).isEqualTo(expected.get(i));
            FlowDefinition flow = ahead.load(file).flow();
            assertThat(flow == null).as("%s valid", file).isEqualTo(expectedFlows.get(i) == null);
            if (flow != null) {
                assertThat(flow.name()).isEqualTo(expectedFlows.get(i).name());
                assertThat(flow.steps()).extracting(StepDefinition::id)
                        .isEqualTo(expectedFlows.get(i).steps().stream().map(StepDefinition::id).toList());
                assertThat(flow.subFlows()).isEqualTo(expectedFlows.get(i).subFlows());
                assertThat(flow.cron()).isEqualTo(expectedFlows.get(i).cron());
            }
        }
        // the files were really read ahead: a valid one, an invalid one, and none that calls another flow
        assertThat(expected).anySatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(ahead.check(files.get(files.size() - 1))).isEqualTo(expected.get(files.size() - 1));
    }

    /** The verdict on a document: {@code ok}, or the exception's class, problem, context and place. */
    private static String verdict(RuntimeException e) {
        if (e instanceof MarkedYamlEngineException marked) {
            return e.getClass().getSimpleName() + ": " + marked.getProblem() + " / " + marked.getContext() + " at "
                    + marked.getProblemMark().map(m -> m.getLine() + ":" + m.getColumn()).orElse("-");
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "name: x\nsteps: []\n",
        "name: *nope\nsteps:\n  - [\n",
        "name: *nope\nsteps: []\n",
        "name: x\n---\nname: y\n",
        "name: x\n---\nname: y\n  bad: [\n",
        "a: &a [1, 2]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a,"
            + " *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a,"
            + " *a, *a, *a, *a]\n",
        "a: &e []\nb: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e,"
            + " *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e, *e,"
            + " *e, *e, *e]\nc: {\n",
        "a: &a x\nb: &a y\nc: *a\n",
        "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
            + "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
        "? [a]\n: b\n",
        "\"unterminated\n",
    })
    void oneComposingPassReportsWhatTheCheckThenTheCompositionReported(String text) {
        String twoPasses;
        try {
            FlowYaml.check(text, "t.yml");
            Optional<?> root = new Compose(FlowYaml.settings("t.yml")).composeString(text);
            twoPasses = "ok " + root.isPresent();
        } catch (RuntimeException e) {
            twoPasses = verdict(e);
        }
        String onePass;
        try {
            onePass = "ok " + YNode.parse(text, "t.yml", new ArrayList<>()).isPresent();
        } catch (RuntimeException e) {
            onePass = verdict(e);
        }
        assertThat(onePass).isEqualTo(twoPasses);
    }
}
