package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.flow.FlowYaml;
import io.octoflow.flow.Problem;
import io.octoflow.support.FlowFixture;

/**
 * Issue 18 #1, #2, #3, #6: what one flow file may hold. Each hostile file is refused quickly with a problem that
 * names the file, the line and the limit's setting; nothing is thrown, and a normal file still loads.
 */
class FlowFileLimitsTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir.resolve("octoflow"));
        fx.engine(); // started before the clock runs
    }

    @AfterEach
    void tearDown() {
        FlowYaml.limit(FlowYaml.Limits.DEFAULTS);
        fx.close();
    }

    private List<Problem> validate(String name, byte[] content) throws IOException {
        Path file = fx.flows().resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        // the alias bomb once took a 6 GiB heap; 10,000 levels overflowed the stack
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> fx.engine().validate(file));
    }

    private Problem only(String name, String yaml) throws IOException {
        List<Problem> problems = validate(name, yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(problems).as(name).hasSize(1);
        return problems.get(0);
    }

    @Test
    void theAliasBombIsRefusedAtTheAliasThatGoesOverWithTheSetting() throws IOException {
        Problem problem = only("bomb.yml", HostileFlowFiles.aliasBomb());
        assertThat(problem.file()).endsWith("bomb.yml");
        assertThat(problem.line()).isBetween(4, 7);
        assertThat(problem.message()).contains("expands to more than 100000 values").contains("alias")
                .contains("FLOW_FILE_MAX_NODES");
    }

    @Test
    void tenThousandLevelsAreRefusedAtTheFirstLevelTooDeepWithTheSetting() throws IOException {
        Problem lists = only("lists.yml", HostileFlowFiles.deepLists(10_000));
        assertThat(lists.line()).isEqualTo(2);
        assertThat(lists.column()).isEqualTo(8 + 63);
        assertThat(lists.message()).contains("nested deeper than 64 levels").contains("FLOW_FILE_MAX_DEPTH");
        Problem mappings = only("mappings.yml", HostileFlowFiles.deepMappings(10_000));
        assertThat(mappings.message()).contains("FLOW_FILE_MAX_DEPTH");
        Problem recursive = only("recursive.yml", "name: loop\nsteps: &s [{name: a, type: debug, debug: *s}]\n");
        assertThat(recursive.message()).contains("FLOW_FILE_MAX_DEPTH");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws IOException {
        FlowYaml.limit(new FlowYaml.Limits(1_000, 64, 50, 100_000));
        Problem problem = only("big.yml", "name: big\nsteps: []\n# " + "x".repeat(2_000) + "\n");
        assertThat(problem.line()).isEqualTo(1);
        assertThat(problem.message()).contains("2023 bytes").contains("1000").contains("FLOW_FILE_MAX_BYTES");
    }

    @Test
    void theLimitsAreSettings() throws IOException {
        FlowYaml.limit(new FlowYaml.Limits(1_048_576, 3, 1, 20));
        assertThat(only("d.yml", "name: d\nsteps:\n  - name: a\n    type: debug\n    debug: {a: [1]}\n")
                .message()).contains("nested deeper than 3 levels");
        assertThat(only("a.yml", "name: a\nx: &x [1]\ny: [*x, *x]\nsteps: []\n").message())
                .contains("more than 1 aliases").contains("FLOW_FILE_MAX_ALIASES");
        assertThat(only("n.yml", "name: n\nsteps: []\nx: [" + "1, ".repeat(30) + "1]\n").message())
                .contains("more than 20 values");
    }

    @Test
    void anchorsAndAliasesWithinTheLimitsStillLoad() throws IOException {
        List<Problem> problems = validate("anchors.yml", """
                name: anchors
                steps:
                  - name: first
                    type: set_fact
                    set_fact: &fact
                      value: same
                  - name: second
                    type: set_fact
                    set_fact: *fact
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(problems).isEmpty();
        assertThat(fx.run("anchors.yml").data()).containsEntry("second", "same");
    }

    @Test
    void everyGeneratedHostileFileIsAProblemNeverAThrowable() throws IOException {
        Map<String, byte[]> files = HostileFlowFiles.contents();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            List<Problem> problems = validate("hostile/" + file.getKey(), file.getValue());
            assertThat(problems).as(file.getKey()).isNotEmpty();
            assertThat(problems).as(file.getKey()).allMatch(p -> p.file().endsWith(file.getKey()) && p.line() >= 1);
        }
    }

    @Test
    void notUtf8IsSaidSo() throws IOException {
        List<Problem> problems = validate("latin1.yml", "name: caf\u00e9\nsteps: []\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("not UTF-8"));
    }

    @Test
    void aFlowFileLinkedFromOutsideFlowsPathIsNotRead() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("real.yml"), "name: outside\nsteps:\n  - name: a\n    type: debug\n");
        Files.createDirectories(fx.flows());
        Files.createSymbolicLink(fx.flows().resolve("linked.yml"), outside.resolve("real.yml"));
        List<Problem> problems = fx.engine().validate(fx.flows().resolve("linked.yml"));
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message())
                .contains("symbolic link leading outside FLOWS_PATH"));
        // a link that stays inside (a Kubernetes ConfigMap volume is made of them) is read
        Files.createDirectories(fx.flows().resolve("..data"));
        Files.writeString(fx.flows().resolve("..data/inside.yml"), "name: in\nsteps:\n  - name: a\n    type: debug\n");
        Files.createSymbolicLink(fx.flows().resolve("inside.yml"), Path.of("..data/inside.yml"));
        assertThat(fx.engine().validate(fx.flows().resolve("inside.yml"))).isEmpty();
    }
}
