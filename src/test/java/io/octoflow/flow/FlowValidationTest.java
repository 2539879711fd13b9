package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * Every kind of problem the validator reports, each with its exact line and column. Flow files are real files in
 * a temporary FLOWS_PATH; templates in a temporary TEMPLATES_PATH.
 */
class FlowValidationTest {

    @TempDir
    Path root;

    Path flows;
    Path templates;
    FlowCatalog catalog;

    @BeforeEach
    void setUp() throws IOException {
        flows = Files.createDirectories(root.resolve("flows"));
        templates = Files.createDirectories(root.resolve("templates"));
        catalog = newCatalog();
    }

    private FlowCatalog newCatalog() {
        return new FlowCatalog(StepRegistry.standard(), new Templates(templates), flows, templates);
    }

    private Path write(String relative, String yaml) throws IOException {
        Path file = flows.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** Every problem of the flow, errors and warnings. */
    private List<Problem> validate(String yaml) throws IOException {
        return catalog.check(write("flow.yml", yaml));
    }

    /** Exactly one problem, at line:column, whose message contains every fragment. */
    private static void assertOnly(List<Problem> problems, int line, int column, String... fragments) {
        assertThat(problems).as("problems: %s", problems).hasSize(1);
        assertProblem(problems, line, column, fragments);
    }

    /** Some problem is at line:column and its message contains every fragment. */
    private static void assertProblem(List<Problem> problems, int line, int column, String... fragments) {
        assertThat(problems)
                .as("expected a problem at %d:%d containing %s, got:%n%s", line, column, List.of(fragments),
                        FlowCatalog.describe(problems))
                .anySatisfy(p -> {
                    assertThat(p.line()).isEqualTo(line);
                    assertThat(p.column()).isEqualTo(column);
                    assertThat(p.message()).contains(fragments);
                });
    }

    /** Exactly one problem, a warning, at line:column, whose message contains every fragment. */
    private static void assertOnlyWarning(List<Problem> problems, int line, int column, String... fragments) {
        assertOnly(problems, line, column, fragments);
        assertThat(problems.get(0).severity()).as("%s", problems.get(0)).isEqualTo(Problem.Severity.WARNING);
    }

    // --- YAML itself ---

    @Test
    void yamlSyntaxErrorIsReportedWhereTheParserStopped() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                  type: debug
                """);
        assertOnly(problems, 4, 3, "invalid YAML");
    }

    @Test
    void anUnquotedJinjaValueIsReportedWhereItStands() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value: [1, {{ __job_id__ }}]
                """);
        assertOnly(problems, 6, 19, "mapping key must be plain text", "must be quoted");
    }

    @Test
    void yamlTabIndentationIsASyntaxError() throws IOException {
        List<Problem> problems = validate("name: x\n\tsteps: []\n");
        assertOnly(problems, 2, 1, "invalid YAML", "TAB");
    }

    @Test
    void problemNamesTheFileAndPrintsAsPathLineColumnMessage() throws IOException {
        Path file = write("named.yml", "name: x\nstepz: []\nsteps:\n  - name: a\n    type: debug\n");
        List<Problem> problems = catalog.check(file);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).file()).isEqualTo(file.toString());
        assertThat(problems.get(0).toString()).startsWith(file + ":2:1: warning: unknown key 'stepz'");
        // a warning: the flow loads
        assertThat(catalog.validate(file)).isEmpty();
        assertThat(catalog.require(file).name()).isEqualTo("x");
    }

    static Stream<Arguments> notMappings() {
        return Stream.of(
                Arguments.of("a list", "- a\n- b\n"),
                Arguments.of("a string", "just a string\n"),
                Arguments.of("a number", "42\n"),
                Arguments.of("null", ""));
    }

    @ParameterizedTest(name = "root is {0}")
    @MethodSource("notMappings")
    void rootMustBeAMapping(String found, String yaml) throws IOException {
        assertOnly(validate(yaml), 1, 1, "a flow must be a mapping", "found " + found);
    }

    @Test
    void duplicateYamlKeys() throws IOException {
        List<Problem> problems = validate("""
                name: x
                name: y
                steps:
                  - name: a
                    type: debug
                    type: debug
                """);
        assertThat(problems).hasSize(2);
        assertProblem(problems, 2, 1, "duplicate key 'name'");
        assertProblem(problems, 6, 5, "duplicate key 'type'");
    }

    @Test
    void duplicateKeyInsideATypeBlock() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: http://one
                      uri: http://two
                """);
        assertOnly(problems, 7, 7, "duplicate key 'uri'");
    }

    // --- unknown keys and types ---

    @Test
    void unknownFlowKey() throws IOException {
        List<Problem> problems = validate("""
                name: x
                stepz: []
                steps:
                  - name: a
                    type: debug
                """);
        assertOnly(problems, 2, 1, "unknown key 'stepz'", "expected one of: name, description, steps");
    }

    @Test
    void unknownStepKey() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    colour: red
                """);
        assertOnly(problems, 5, 5, "step 'a': unknown key 'colour'", "when", "jq_expression", "debug");
    }

    @Test
    void unknownKeyInsideATypeBlock() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: http://example.com
                      urii: http://example.com
                """);
        assertOnly(problems, 7, 7, "step 'a': rest: unknown key 'urii'", "expected one of: uri, method");
    }

    @Test
    void misspelledRequiredKeyInsideATypeBlockIsUnknownAndMissing() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      urii: http://example.com
                """);
        assertThat(problems).hasSize(2);
        assertProblem(problems, 6, 7, "rest: unknown key 'urii'");
        assertProblem(problems, 6, 7, "rest: missing required key 'uri'");
    }

    @Test
    void unknownStepTypeListsTheValidTypes() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: bogus
                """);
        assertOnly(problems, 4, 11, "step 'a': type: unknown step type 'bogus'", "expected one of:");
        for (String type : StepRegistry.standard().types()) {
            assertThat(problems.get(0).message()).contains(type);
        }
    }

    @Test
    void unknownKeyInAuthenticationBlock() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: http://example.com
                      authentication:
                        type: basic
                        secret: s
                        passwd: x
                """);
        assertOnly(problems, 10, 9, "rest.authentication: unknown key 'passwd'");
    }

    // --- missing keys ---

    @Test
    void missingSteps() throws IOException {
        // the spooler reads a missing steps as none: the flow does nothing
        assertOnlyWarning(validate("name: x\n"), 1, 1, "no 'steps': the flow has no step");
    }

    @Test
    void emptySteps() throws IOException {
        // the spooler runs such a flow (it does nothing): a warning
        assertOnlyWarning(validate("name: x\nsteps: []\n"), 2, 8, "steps: the flow has no step");
    }

    @Test
    void missingStepName() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - type: debug
                """);
        assertOnly(problems, 3, 5, "missing required key 'name'");
    }

    @Test
    void missingStepType() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                  - name: b
                """);
        assertOnly(problems, 5, 5, "step 'b': missing required key 'type'");
    }

    @Test
    void missingRequiredKeyOfATypeBlock() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      method: GET
                """);
        assertOnly(problems, 6, 7, "step 'a': rest: missing required key 'uri'");
    }

    @Test
    void missingWholeTypeBlock() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                """);
        assertOnly(problems, 3, 5, "step 'a': missing 'rest' block", "uri");
    }

    @Test
    void blockWithoutRequiredKeysMayBeOmitted() throws IOException {
        assertThat(validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                  - name: b
                    type: debug
                """)).isEmpty();
    }

    @Test
    void blockWithoutRequiredKeysMayBeLeftEmpty() throws IOException {
        // "debug:" with nothing after it is null; the schema allows null for such blocks
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    debug:
                  - name: b
                    type: debug
                    debug: ~
                """);
        assertThat(problems).as(FlowCatalog.describe(problems)).isEmpty();
    }

    @Test
    void emptyBlockOfATypeWithRequiredKeys() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                """);
        assertThat(problems).as(FlowCatalog.describe(problems)).isNotEmpty()
                .allSatisfy(p -> assertThat(p.message()).startsWith("step 'a': rest"));
        assertProblem(problems, 5, 10, "step 'a': rest: expected a mapping with uri, found nothing");
        assertThat(problems).as("reported once").hasSize(1);
    }

    @Test
    void stepThatIsNotAMapping() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - just a string
                """);
        assertOnly(problems, 3, 5, "a step must be a mapping", "found a string");
    }

    @Test
    void blankFlowName() throws IOException {
        List<Problem> problems = validate("""
                name: ""
                steps:
                  - name: a
                    type: debug
                """);
        assertOnly(problems, 1, 7, "name: must not be empty");
    }

    // --- wrong value types ---

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("string where a number is expected", """
                        name: x
                        steps:
                          - name: a
                            type: sleep
                            sleep:
                              seconds: "two"
                        """, 6, 16, "step 'a': sleep.seconds: expected a number, found a string 'two'"),
                Arguments.of("list where a string is expected", """
                        name: x
                        steps:
                          - name: a
                            type: debug
                            debug:
                              message: [a, b]
                        """, 6, 16, "step 'a': debug.message: expected a string, found a list"),
                Arguments.of("when as a mapping", """
                        name: x
                        steps:
                          - name: a
                            type: debug
                            when: {x: 1}
                        """, 5, 11, "step 'a': when: expected a value (string, number, true/false) or a list of them,"
                        + " found a mapping"),
                Arguments.of("when list holding a list", """
                        name: x
                        steps:
                          - name: a
                            type: debug
                            when: ["x > 1", [3]]
                        """, 5, 11, "when: expected a value (string, number, true/false) or a list of them"),
                Arguments.of("mapping where a string is expected", """
                        name: x
                        steps:
                          - name: a
                            type: debug
                            result_key: {a: 1}
                        """, 5, 17, "step 'a': result_key: expected a string, found a mapping"),
                Arguments.of("list as the step type", """
                        name: x
                        steps:
                          - name: a
                            type: [debug]
                        """, 4, 11, "step 'a': type: expected a string, found a list"),
                Arguments.of("string as the steps", """
                        name: x
                        steps: "abc"
                        """, 2, 8, "steps: expected a list, found a string 'abc'"),
                Arguments.of("fraction as every_seconds", """
                        name: x
                        every_seconds: 1.5
                        steps:
                          - name: a
                            type: debug
                        """, 2, 16, "every_seconds: expected a whole number, found a number '1.5'"),
                Arguments.of("string as timeout_seconds", """
                        name: x
                        timeout_seconds: "10"
                        steps:
                          - name: a
                            type: debug
                        """, 2, 18, "timeout_seconds: expected a whole number, found a string '10'"),
                Arguments.of("value outside the allowed ones", """
                        name: x
                        steps:
                          - name: a
                            type: rest
                            rest:
                              uri: http://example.com
                              method: FETCH
                        """, 7, 15, "step 'a': rest.method: expected one of GET, POST", "found a string 'FETCH'"),
                Arguments.of("block that is a string", """
                        name: x
                        steps:
                          - name: a
                            type: rest
                            rest: "http://example.com"
                        """, 5, 11, "step 'a': rest: expected a mapping (or nothing), found a string"),
                Arguments.of("boolean where a string is expected", """
                        name: x
                        steps:
                          - name: a
                            type: file
                            file:
                              path: true
                        """, 6, 13, "step 'a': file.path: expected a string, found a boolean"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongTypes")
    void wrongValueType(String what, String yaml, int line, int column, String fragment) throws IOException {
        assertOnly(validate(yaml), line, column, fragment);
    }

    @Test
    void negativeSleep() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: sleep
                    sleep:
                      seconds: -1
                """);
        assertOnly(problems, 6, 16, "sleep.seconds: expected a number from 0 to 3162240000, found a number '-1'");
    }

    // --- jq ---

    @Test
    void jqStepExpressionThatDoesNotCompile() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: jq
                    jq:
                      expression: ".[] | "
                """);
        assertOnly(problems, 6, 19, "step 'a': jq does not compile");
    }

    @Test
    void jqExpressionKeyThatDoesNotCompile() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    jq_expression: "map(.x"
                """);
        assertOnly(problems, 5, 20, "step 'a': jq does not compile");
    }

    @Test
    void validJqCompiles() throws IOException {
        assertThat(validate("""
                name: x
                steps:
                  - name: a
                    type: jq
                    jq:
                      expression: '[.result[] | select(.priority == "high") | {id, title}]'
                    jq_expression: "length"
                """)).isEmpty();
    }

    // --- Jinja ---

    @Test
    void unclosedExpressionInATemplate() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: "{{ x "
                """);
        assertOnly(problems, 6, 12, "step 'a': the template does not parse");
    }

    @Test
    void ifTagWithoutExpressionDoesNotParse() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: "{% if %}http://a{% endif %}"
                """);
        assertOnly(problems, 6, 12, "step 'a': the template does not parse");
    }

    @Test
    void brokenExpressionInsideALongerTemplateDoesNotParse() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: "http://host/{{ path | }}/items"
                """);
        assertOnly(problems, 6, 12, "step 'a': the template does not parse");
    }

    @Test
    void unclosedBlockTagInANestedSetFactValue() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: set_fact
                    set_fact:
                      value:
                        items:
                          - plain
                          - "{% if x %}open"
                """);
        assertOnly(problems, 9, 13, "step 'a': the template does not parse", "endif");
    }

    @Test
    void brokenTemplateInTheUri() throws IOException {
        // headers and query are sent as written (as on the spooler): only the uri is a template
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: rest
                    rest:
                      uri: "http://example.com/{{ id "
                      headers:
                        X-Id: "{{ id "
                """);
        assertOnly(problems, 6, 12, "step 'a': the template does not parse");
    }

    @Test
    void whenThatDoesNotParse() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    when: "x ==="
                """);
        assertOnly(problems, 5, 11, "step 'a': when: the expression does not parse");
    }

    @Test
    void whenListItemThatDoesNotParse() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    when:
                      - "x > 1"
                      - "y )"
                """);
        assertOnly(problems, 7, 9, "step 'a': when: the expression does not parse");
    }

    // --- schedules ---

    static Stream<Arguments> invalidCrons() {
        return Stream.of(
                Arguments.of("\"61 * * * *\"", "Minute and Second values must be between 0 and 59"),
                Arguments.of("\"abc * * * *\"", "invalid cron 'abc * * * *'"),
                Arguments.of("\"0 0 25 * * ?\"", "Hour values must be between 0 and 23"),
                Arguments.of("\"* * *\"", "expected 5 fields (crontab) or 6-7 fields (Quartz), got 3"),
                Arguments.of("\"0 0 0 * * * * *\"", "expected 5 fields (crontab) or 6-7 fields (Quartz), got 8"),
                Arguments.of("\"0 12 1 * 1\"", "day-of-month and day-of-week cannot both be set"));
    }

    @ParameterizedTest(name = "cron: {0}")
    @MethodSource("invalidCrons")
    void invalidCron(String cron, String fragment) throws IOException {
        List<Problem> problems = validate("name: x\ncron: " + cron + "\nsteps:\n  - name: a\n    type: debug\n");
        assertOnly(problems, 2, 7, "cron: invalid cron", fragment);
    }

    @ParameterizedTest(name = "cron: {0}")
    @ValueSource(strings = {"*/5 * * * *", "0 9 * * 1-5", "30 2 1 * *", "*/5 * * * MON", "0 0/5 * * * ?",
            "0 0 12 ? * MON-FRI", "0 0 12 ? * MON-FRI 2030", "0 15 10 L * ?"})
    void validCron(String cron) throws IOException {
        assertThat(validate("name: x\ncron: \"" + cron + "\"\nsteps:\n  - name: a\n    type: debug\n")).isEmpty();
        FlowDefinition flow = catalog.require(flows.resolve("flow.yml"));
        assertThat(flow.cron()).isEqualTo(cron);
    }

    @Test
    void cronAndEverySecondsTogether() throws IOException {
        List<Problem> problems = validate("""
                name: x
                cron: "*/5 * * * *"
                every_seconds: 10
                steps:
                  - name: a
                    type: debug
                """);
        assertOnly(problems, 3, 1, "use either 'cron' or 'every_seconds', not both");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("outOfRange")
    void secondsMustBePositiveAndAtMostAHundredYears(String key, String value) throws IOException {
        List<Problem> problems = validate("name: x\n" + key + ": " + value + "\nsteps:\n  - name: a\n    type: debug\n");
        assertOnly(problems, 2, key.length() + 3, key + ": expected a positive whole number up to 3162240000, found"
                + " a number '" + value + "'");
    }

    /** Issue 18 #16: Long.MAX_VALUE overflowed the run's timeout, a larger number was silently dropped. */
    static Stream<Arguments> outOfRange() {
        return Stream.of(Arguments.of("every_seconds", "0"), Arguments.of("every_seconds", "-1"),
                Arguments.of("timeout_seconds", "0"), Arguments.of("timeout_seconds", "-5"),
                Arguments.of("timeout_seconds", "9223372036854775807"),
                Arguments.of("every_seconds", "9223372036854775807"),
                Arguments.of("every_seconds", "99999999999999999999999"),
                Arguments.of("timeout_seconds", "3162240001"));
    }

    @Test
    void numbersOfStepsAreBoundedToo() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: pause
                    type: sleep
                    sleep:
                      seconds: 1.0e+300
                  - name: pause again
                    type: sleep
                    sleep:
                      seconds: .inf
                  - name: job
                    type: k8s_job
                    k8s_job:
                      image: busybox
                      logs_tail_lines: 9223372036854775808
                """);
        assertProblem(problems, 6, 16, "sleep.seconds: expected a number from 0 to 3162240000, found a number");
        assertProblem(problems, 10, 16, "sleep.seconds: expected a number from 0 to 3162240000, found a number");
        assertProblem(problems, 15, 24, "k8s_job.logs_tail_lines: expected a whole number from 0 to 3162240000");
    }

    @Test
    void theLargestValuesAllowedLoad() throws IOException {
        assertThat(validate("name: x\nevery_seconds: 3162240000\ntimeout_seconds: 3162240000\n"
                + "steps:\n  - name: a\n    type: debug\n")).isEmpty();
        FlowDefinition flow = catalog.require(flows.resolve("flow.yml"));
        assertThat(flow.timeoutSeconds()).isEqualTo(3_162_240_000L);
        assertThat(flow.everySeconds()).isEqualTo(3_162_240_000L);
    }

    @Test
    void validScheduleIsKept() throws IOException {
        assertThat(validate("name: x\nevery_seconds: 30\ntimeout_seconds: 5\nsteps:\n  - name: a\n    type: debug\n"))
                .isEmpty();
        FlowDefinition flow = catalog.require(flows.resolve("flow.yml"));
        assertThat(flow.everySeconds()).isEqualTo(30L);
        assertThat(flow.timeoutSeconds()).isEqualTo(5L);
    }

    // --- files the flow refers to ---

    @Test
    void missingTemplateFile() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: jinja
                    jinja:
                      path: missing.j2
                """);
        assertOnly(problems, 6, 13, "step 'a': path: template 'missing.j2' does not exist in TEMPLATES_PATH");
    }

    @Test
    void templateFileThatDoesNotParse() throws IOException {
        Files.writeString(templates.resolve("broken.j2"), "Hello {{ name }}\n{% if x %}\nno end\n");
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: jinja
                    jinja:
                      path: broken.j2
                """);
        assertOnly(problems, 6, 13, "step 'a': path: template 'broken.j2' does not parse", "line 2", "endif");
    }

    @Test
    void templateFileOutsideTemplatesPath() throws IOException {
        Files.writeString(root.resolve("outside.j2"), "hi");
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: jinja
                    jinja:
                      path: ../outside.j2
                """);
        assertOnly(problems, 6, 13, "leads outside TEMPLATES_PATH");
    }

    @Test
    void existingTemplateFileIsValid() throws IOException {
        Files.createDirectories(templates.resolve("sub"));
        Files.writeString(templates.resolve("sub/ok.j2"), "{% for t in data %}{{ t.id }}{% endfor %}");
        assertThat(validate("""
                name: x
                steps:
                  - name: a
                    type: jinja
                    jinja:
                      path: sub/ok.j2
                      parse: yaml
                """)).isEmpty();
    }

    @Test
    void missingSubFlowFileInFlowStep() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: flow
                    flow:
                      path: lib/nope.yml
                """);
        assertOnlyWarning(problems, 6, 13, "step 'a': path: flow 'lib/nope.yml' does not exist in FLOWS_PATH",
                "the step fails when it calls it");
    }

    @Test
    void missingSubFlowFileInFlowLoopStep() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: flow_loop
                    flow_loop:
                      path: nope.yml
                      data_key: items
                """);
        assertOnlyWarning(problems, 6, 13, "step 'a': path: flow 'nope.yml' does not exist in FLOWS_PATH",
                "the step fails when it calls it");
    }

    @Test
    void subFlowOutsideFlowsPath() throws IOException {
        Files.writeString(root.resolve("outside.yml"), "name: o\nsteps:\n  - name: a\n    type: debug\n");
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: flow
                    flow:
                      path: ../outside.yml
                """);
        assertOnly(problems, 6, 13, "leads outside FLOWS_PATH");
    }

    @Test
    void validSubFlowIsPartOfTheClosure() throws IOException {
        write("lib/sub.yml", "name: sub\nsteps:\n  - name: a\n    type: debug\n");
        Path caller = write("caller.yml", """
                name: caller
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: lib/sub.yml
                """);
        assertThat(catalog.validate(caller)).isEmpty();
        assertThat(catalog.closure(caller)).extracting(FlowDefinition::name).containsExactly("caller", "sub");
        assertThat(catalog.require(caller).subFlows()).containsExactly("lib/sub.yml");
    }

    // --- step names and references ---

    @Test
    void duplicateStepNamesGiveTheFirstLine() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                  - name: b
                    type: debug
                  - name: a
                    type: debug
                """);
        // the spooler allows it (a goto goes to the last one): a warning
        assertOnlyWarning(problems, 7, 11, "step 'a': step name 'a' is already used on line 3",
                "a goto to it goes to the last one");
    }

    @Test
    void duplicateNameOfAStepNestedInASwitch() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: s
                    type: switch
                    switch:
                      data_key: p
                      cases:
                        - when: "^a$"
                          step:
                            name: s
                            type: debug
                """);
        // a step inside a case is no goto target: its name may be any
        assertThat(problems).isEmpty();
    }

    @Test
    void gotoNamingNoStep() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: goto
                    goto:
                      step_name: nowhere
                  - name: b
                    type: debug
                """);
        // the spooler fails only when it takes the jump: a warning
        assertOnlyWarning(problems, 6, 18, "step 'a': no step is named 'nowhere'", "(steps: a, b)",
                "the flow fails if it gets there");
    }

    @Test
    void gotoMayJumpForwardOrBackward() throws IOException {
        assertThat(validate("""
                name: x
                steps:
                  - name: a
                    type: goto
                    goto:
                      step_name: c
                  - name: b
                    type: goto
                    goto:
                      step_name: a
                  - name: c
                    type: debug
                """)).isEmpty();
    }

    @Test
    void finallyStepNamingNoStep() throws IOException {
        List<Problem> problems = validate("""
                name: x
                finally_step: cleanup
                steps:
                  - name: a
                    type: debug
                """);
        assertOnly(problems, 2, 15, "finally_step: no step is named 'cleanup'", "(steps: a)");
    }

    @Test
    void finallyStepIsMovedLast() throws IOException {
        assertThat(validate("""
                name: x
                finally_step: cleanup
                steps:
                  - name: cleanup
                    type: debug
                  - name: a
                    type: debug
                """)).isEmpty();
        FlowDefinition flow = catalog.require(flows.resolve("flow.yml"));
        assertThat(flow.steps()).extracting(StepDefinition::name).containsExactly("a", "cleanup");
    }

    // --- flows calling flows ---

    @Test
    void twoFlowsCallingEachOtherAreACycle() throws IOException {
        write("a.yml", "name: a\nsteps:\n  - name: call b\n    type: flow\n    flow:\n      path: b.yml\n");
        Path b = write("b.yml", "name: b\nsteps:\n  - name: call a\n    type: flow\n    flow:\n      path: a.yml\n");
        Path a = flows.resolve("a.yml");

        // the caller's problem, then the called file's own problem (the cycle, where it closes)
        List<Problem> fromA = catalog.validate(a);
        assertThat(fromA).hasSize(2);
        assertThat(fromA.get(0).file()).endsWith("a.yml");
        assertProblem(fromA.subList(0, 1), 6, 13, "step 'call b': path: flow 'b.yml' is invalid");
        assertThat(fromA.get(1).file()).endsWith("b.yml");
        assertProblem(fromA.subList(1, 2), 6, 13, "flows call each other in a cycle: a.yml -> b.yml -> a.yml");

        List<Problem> fromB = newCatalog().validate(b);
        assertThat(fromB).hasSize(2);
        assertProblem(fromB.subList(0, 1), 6, 13, "step 'call a': path: flow 'a.yml' is invalid");
        assertProblem(fromB.subList(1, 2), 6, 13, "flows call each other in a cycle: b.yml -> a.yml -> b.yml");
    }

    @Test
    void threeFlowsInACycleShowTheWholeChain() throws IOException {
        write("a.yml", "name: a\nsteps:\n  - name: call b\n    type: flow\n    flow:\n      path: b.yml\n");
        write("b.yml", "name: b\nsteps:\n  - name: call c\n    type: flow\n    flow:\n      path: c.yml\n");
        write("c.yml", "name: c\nsteps:\n  - name: call a\n    type: flow_loop\n    flow_loop:\n"
                + "      path: a.yml\n      data_key: x\n");
        List<Problem> problems = catalog.validate(flows.resolve("a.yml"));
        assertThat(problems).isNotEmpty();
        assertProblem(problems, 6, 13, "a.yml -> b.yml -> c.yml -> a.yml");
    }

    @Test
    void flowCallingItselfIsACycle() throws IOException {
        Path self = write("self.yml", """
                name: self
                steps:
                  - name: me
                    type: flow_loop
                    flow_loop:
                      path: self.yml
                      data_key: x
                """);
        assertOnly(catalog.validate(self), 6, 13, "step 'me': path: flows call each other in a cycle:",
                "self.yml -> self.yml");
    }

    @Test
    void invalidSubFlowMakesTheCallerInvalid() throws IOException {
        write("lib/bad.yml", "name: bad sub\nsteps:\n  - name: s\n    type: bogus\n");
        Path caller = write("caller.yml", """
                name: caller
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: lib/bad.yml
                """);
        List<Problem> problems = catalog.validate(caller);
        assertProblem(problems, 6, 13, "step 'call': path: flow 'lib/bad.yml' is invalid",
                "bad.yml:4:11", "unknown step type 'bogus'");
        assertThat(catalog.load(caller).valid()).isFalse();
    }

    @Test
    @DisplayName("validate(caller) returns the invalid sub-flow's own problems too (FlowCatalog.validate javadoc)")
    void invalidSubFlowProblemsAreReturnedWithTheCallers() throws IOException {
        Path bad = write("lib/bad.yml", """
                name: bad sub
                steps:
                  - name: s
                    type: bogus
                  - name: t
                    type: debug
                    colour: red
                """);
        Path caller = write("caller.yml", """
                name: caller
                steps:
                  - name: call
                    type: flow
                    flow:
                      path: lib/bad.yml
                """);
        List<Problem> problems = catalog.check(caller);
        // the unknown key 'colour' is a warning: one error makes the sub-flow invalid
        assertProblem(problems, 6, 13, "flow 'lib/bad.yml' is invalid (1 problem");
        assertThat(catalog.validate(caller)).noneMatch(Problem::isWarning).hasSize(2);
        assertThat(problems).as("%s", problems)
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo(bad.toString());
                    assertThat(p.line()).isEqualTo(4);
                    assertThat(p.column()).isEqualTo(11);
                })
                .anySatisfy(p -> {
                    assertThat(p.file()).isEqualTo(bad.toString());
                    assertThat(p.line()).isEqualTo(7);
                    assertThat(p.column()).isEqualTo(5);
                });
    }

    // --- file step ---

    @Test
    void writeModeWithoutDataKey() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: file
                    file:
                      path: out.json
                      mode: write
                """);
        assertOnly(problems, 6, 7, "step 'a': file: mode write needs a 'data_key'");
    }

    @Test
    void appendModeWithoutDataKey() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: file
                    file:
                      path: out.jsonl
                      mode: append
                """);
        assertOnly(problems, 6, 7, "step 'a': file: mode append needs a 'data_key'");
    }

    @Test
    void readModeWithDataKey() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: file
                    file:
                      path: in.json
                      data_key: foo
                """);
        assertOnly(problems, 7, 7, "file.data_key: only used with mode write or append");
    }

    @Test
    void filePathLeavingDataPath() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: file
                    file:
                      path: ../etc/passwd
                """);
        assertOnly(problems, 6, 13, "file.path: '../etc/passwd' leads outside DATA_PATH");
    }

    // --- regexes ---

    @Test
    void invalidRegexInIgnoreErrors() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    ignore_errors: "([a-z"
                """);
        assertOnly(problems, 5, 20, "step 'a': ignore_errors: invalid regex");
    }

    @Test
    void invalidRegexInIgnoreErrorsList() throws IOException {
        List<Problem> problems = validate("""
                name: x
                steps:
                  - name: a
                    type: debug
                    ignore_errors: ["HTTP status 404", "*bad"]
                """);
        assertOnly(problems, 5, 40, "step 'a': ignore_errors: invalid regex", "Dangling meta character");
    }

    // --- trigger (Octoflow's addition) ---

    /**
     * Each case a flow file of its own ({@code trigger.yml}, read by a new catalog) and the problems it must have:
     * none ({@link TriggerCase#ok}), exactly one ({@link TriggerCase#only}), or these among others
     * ({@link TriggerCase#some}), each at its file, line and column, naming its field and what was expected.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("triggerCases")
    void triggers(TriggerCase c) throws IOException {
        List<Problem> problems = newCatalog().check(write(TriggerCase.FILE, c.yaml()));
        if (c.expected().isEmpty()) {
            assertThat(problems).filteredOn(Problem::isError).isEmpty();
            return;
        }
        if (c.only()) {
            assertThat(problems).as("problems: %s", problems).hasSize(1);
        }
        for (Expected e : c.expected()) {
            assertProblem(problems, e.line(), e.column(), e.fragments());
            assertThat(problems).filteredOn(p -> p.line() == e.line() && p.column() == e.column())
                    .allSatisfy(p -> assertThat(p.file()).endsWith(TriggerCase.FILE));
        }
    }

    /** A problem expected at line:column whose message contains every fragment (its field first). */
    record Expected(int line, int column, String... fragments) {
    }

    record TriggerCase(String name, String yaml, boolean only, List<Expected> expected) {

        static final String FILE = "trigger.yml";

        static TriggerCase ok(String name, String trigger) {
            return new TriggerCase(name, flow(trigger), false, List.of());
        }

        static TriggerCase only(String name, String trigger, int line, int column, String... fragments) {
            return new TriggerCase(name, flow(trigger), true, List.of(new Expected(line, column, fragments)));
        }

        static TriggerCase some(String name, String trigger, Expected... expected) {
            return new TriggerCase(name, flow(trigger), false, List.of(expected));
        }

        /** The flow file of a {@code trigger:} block: the block from line 3, one debug step. */
        private static String flow(String trigger) {
            return "name: x\ntrigger:\n" + trigger + "steps:\n  - {name: d, type: debug}\n";
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The trigger cases (Octoflow's addition): each a {@code trigger:} block, from line 3 of its flow file. */
    static Stream<TriggerCase> triggerCases() {
        return Stream.of(
                TriggerCase.ok("a valid webhook trigger", """
                          webhook:
                            path: events-in
                            secret: hook
                            respond: result
                            result_key: answer
                        """),
                TriggerCase.ok("a valid file trigger", """
                          file: {path: inbox, pattern: "*.json", move_to: done}
                        """),
                TriggerCase.ok("a valid flow trigger", """
                          flow: {name: other.yml, status: [success, failed]}
                        """),
                TriggerCase.ok("a valid kafka trigger", """
                          kafka:
                            topic: events
                            brokers: "k1:9092,k2:9092"
                            group_id: g
                            start: earliest
                            value: text
                            on_failure: skip
                            batch: {max_records: 500, max_wait_seconds: 2}
                            secret: kafka-login
                            tls: true
                        """),
                TriggerCase.some("an unknown kind", """
                          mqtt:
                            topic: t
                        """,
                        new Expected(3, 3, "trigger: unknown key 'mqtt'", "expected one of: webhook, file, flow, kafka")),
                TriggerCase.some("an unknown webhook key", """
                          webhook:
                            path: a
                            respnd: result
                        """,
                        new Expected(5, 5, "trigger.webhook: unknown key 'respnd'")),
                TriggerCase.some("kafka values checked at their lines", """
                          kafka:
                            topic: "bad topic"
                            brokers: "no-port"
                            start: first
                            on_failure: ignore
                            batch: {max_records: 0, max_wait: 2}
                        """,
                        new Expected(4, 12, "trigger.kafka.topic: expected a topic name", "found 'bad topic'"),
                        new Expected(5, 14, "trigger.kafka.brokers: expected host:port", "found 'no-port'"),
                        new Expected(6, 12, "trigger.kafka.start", "earliest, latest"),
                        new Expected(7, 17, "trigger.kafka.on_failure", "retry, skip, stop"),
                        new Expected(8, 26, "trigger.kafka.batch.max_records", "up to 10000"),
                        new Expected(8, 29, "trigger.kafka.batch: unknown key 'max_wait'")),
                TriggerCase.only("kafka without a topic", """
                          kafka: {group_id: g}
                        """, 3, 10, "trigger.kafka: missing required key 'topic'"),
                TriggerCase.only("kafka tls that is not true or false", """
                          kafka:
                            topic: events
                            tls: yes please
                        """, 5, 10, "trigger.kafka.tls", "expected true or false", "found a string 'yes please'"),
                TriggerCase.only("one kind per flow", """
                          webhook: {path: a}
                          flow: {name: other}
                        """, 4, 3, "trigger: one kind per flow, found webhook and flow"),
                TriggerCase.some("a webhook path of one segment and a known respond", """
                          webhook:
                            path: a/b
                            respond: later
                        """,
                        new Expected(4, 11, "trigger.webhook.path: 'a/b' is not one URL segment"),
                        new Expected(5, 14, "trigger.webhook.respond: expected one of accepted, result")),
                TriggerCase.only("result_key only with respond: result", """
                          webhook:
                            path: a
                            result_key: y
                        """, 5, 17, "trigger.webhook.result_key: only with 'respond: result'"),
                TriggerCase.only("a file trigger without a path", """
                          file:
                            pattern: "*.csv"
                        """, 4, 5, "trigger.file: missing required key 'path'"),
                TriggerCase.some("a file trigger's path in DATA_PATH and move_to inside it", """
                          file:
                            path: ../elsewhere
                            move_to: /tmp/done
                        """,
                        new Expected(4, 11, "trigger.file.path: '../elsewhere' leads outside DATA_PATH"),
                        new Expected(5, 14, "trigger.file.move_to: expected a directory inside the watched one")),
                TriggerCase.only("a flow triggered by its own name", """
                          flow:
                            name: x
                        """, 4, 11, "trigger.flow.name: 'x' is this flow itself"),
                TriggerCase.only("a flow triggered by its own file", """
                          flow:
                            name: trigger.yml
                        """, 4, 11, "a flow cannot trigger itself"),
                TriggerCase.only("flow trigger statuses are known ones", """
                          flow:
                            name: other
                            status: [success, done]
                        """, 5, 23, "trigger.flow.status: unknown status 'done'",
                        "expected one of: success, failed, timeout, aborted, exit"));
    }

    // --- switch ---

    @Nested
    class Switch {

        @Test
        void invalidRegexInCaseWhen() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - when: "(unclosed"
                              step:
                                name: one
                                type: debug
                    """);
            assertOnly(problems, 8, 17, "step 's': switch.cases.when: invalid regex");
        }

        @Test
        void caseWithUnknownKey() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - when: "^x$"
                              step:
                                name: two
                                type: debug
                              extra: 1
                    """);
            assertOnly(problems, 12, 11, "step 's': switch.cases: unknown key 'extra'",
                    "expected one of: when, if, step");
        }

        @Test
        void caseWithMisspelledStep() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - when: "^x$"
                              stepp:
                                name: two
                                type: debug
                    """);
            assertThat(problems).hasSize(2);
            assertProblem(problems, 8, 11, "switch.cases: missing required key 'step'");
            assertProblem(problems, 9, 11, "switch.cases: unknown key 'stepp'");
        }

        @Test
        void caseWithoutWhen() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - step:
                                name: two
                                type: debug
                    """);
            assertOnly(problems, 8, 11, "step 's': switch.cases: a case needs 'when'", "or 'if'");
        }

        @Test
        void caseWithAnIfThatDoesNotParse() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          cases:
                            - if: "amount >"
                              step:
                                name: two
                                type: debug
                    """);
            assertOnly(problems, 7, 15, "step 's': switch.cases.if: the condition does not parse");
        }

        @Test
        void aRegexCaseNeedsDataKeyAnIfCaseDoesNot() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          cases:
                            - if: "amount > 5"
                              step:
                                name: high
                                type: debug
                            - when: "^low"
                              step:
                                name: low
                                type: debug
                    """);
            assertOnly(problems, 11, 17, "step 's': switch.cases.when: a regex case needs switch.data_key");
        }

        @Test
        void problemsOfNestedStepsNameTheNestedStep() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - when: "^a$"
                              step:
                                name: inner
                                type: rest
                                rest:
                                  uri: "{{ x "
                          default:
                            name: fallback
                            type: bogus
                    """);
            assertThat(problems).hasSize(2);
            assertProblem(problems, 13, 20, "step 'inner': the template does not parse");
            assertProblem(problems, 16, 15, "step 'fallback': type: unknown step type 'bogus'");
        }

        @Test
        void whenOnANestedStepIsTheNestedStepsOwn() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: s
                        type: switch
                        switch:
                          data_key: p
                          cases:
                            - when: "^a$"
                              step:
                                name: inner
                                type: debug
                                when: "a > 1"
                    """);
            // the spooler evaluates it when the case is chosen
            assertThat(problems).isEmpty();
        }
    }

    // --- everything at once ---

    @Test
    void everyProblemOfAFileIsReportedAtOnceSortedByLine() throws IOException {
        List<Problem> problems = validate("""
                name: everything wrong
                colour: blue
                every_seconds: 0
                finally_step: cleanup
                steps:
                  - name: read
                    type: file
                    file:
                      path: in.json
                      mode: write
                  - name: read
                    type: debug
                    when: "x ==="
                  - name: call
                    type: rest
                    rest:
                      uri: "{{ base "
                  - name: shape
                    type: jq
                    jq:
                      expression: ".[] |"
                    ignore_errors: "(oops"
                  - name: jump
                    type: goto
                    goto:
                      step_name: nowhere
                  - name: other
                    type: bogus
                  - name: sub
                    type: flow
                    flow:
                      path: missing.yml
                  - name: pick
                    type: switch
                    switch:
                      data_key: read
                      cases:
                        - when: "[unclosed"
                          step:
                            name: inner
                            type: debug
                """);
        assertThat(problems.stream().map(p -> p.line() + ":" + p.column()).toList())
                .as(FlowCatalog.describe(problems))
                .containsExactly("2:1", "3:16", "4:15", "9:7", "11:11", "13:11", "17:12", "21:19", "22:20",
                        "26:18", "28:11", "32:13", "38:17");
        assertProblem(problems, 2, 1, "unknown key 'colour'");
        assertProblem(problems, 3, 16, "every_seconds: expected a positive whole number up to 3162240000");
        assertProblem(problems, 4, 15, "finally_step: no step is named 'cleanup'");
        assertProblem(problems, 9, 7, "step 'read': file: mode write needs a 'data_key'");
        assertProblem(problems, 11, 11, "step name 'read' is already used on line 6");
        assertProblem(problems, 13, 11, "when: the expression does not parse");
        assertProblem(problems, 17, 12, "step 'call': the template does not parse");
        assertProblem(problems, 21, 19, "step 'shape': jq does not compile");
        assertProblem(problems, 22, 20, "step 'shape': ignore_errors: invalid regex");
        assertProblem(problems, 26, 18, "step 'jump': no step is named 'nowhere'");
        assertProblem(problems, 28, 11, "unknown step type 'bogus'");
        assertProblem(problems, 32, 13, "flow 'missing.yml' does not exist");
        assertProblem(problems, 38, 17, "step 'pick': switch.cases.when: invalid regex");
        assertThat(problems).isSortedAccordingTo(Problem::compareTo);
        // what the spooler accepts, or fails on only when the step runs, is a warning
        assertThat(problems.stream().filter(Problem::isWarning).map(p -> p.line() + ":" + p.column()).toList())
                .containsExactly("2:1", "11:11", "13:11", "17:12", "21:19", "22:20", "26:18", "32:13", "38:17");
    }

    // --- valid flows stay valid ---

    @Test
    void everyStepTypeInAValidFlow() throws IOException {
        Files.writeString(templates.resolve("t.j2"), "{{ data }}");
        write("lib/sub.yml", "name: sub\nsteps:\n  - name: a\n    type: debug\n");
        List<Problem> problems = validate("""
                name: all types
                description: one of each
                timeout_seconds: 30
                cron: "*/5 * * * *"
                finally_step: done
                steps:
                  - name: read
                    type: file
                    file: {path: "in/{{ __timestamp__ }}.json", type: json}
                  - name: call
                    type: rest
                    when: ["read | length > 0", "{{ true }}"]
                    ignore_errors: ["HTTP status 404"]
                    rest:
                      uri: "{{ base_url }}/api"
                      method: POST
                      query: {a: 1, b: "{{ x }}"}
                      headers: {X-Id: "{{ __job_id__ }}"}
                      body: {ticket: "{{ read }}", n: 1}
                      authentication: {type: token, secret: api, bearer: Token}
                    jq_expression: ".result"
                  - name: filter
                    type: jq
                    jq: {expression: ".[]", data_key: call}
                  - name: render
                    type: jinja
                    jinja: {path: t.j2, data_key: filter, parse: json}
                  - name: sub
                    type: flow
                    flow: {path: lib/sub.yml, data_key: read}
                  - name: loop
                    type: flow_loop
                    flow_loop: {path: lib/sub.yml, data_key: filter}
                  - name: jira
                    type: jira_names_merge
                    jira_names_merge: {data_key: call, list_key: issues}
                  - name: log
                    type: debug
                    debug: {data_key: jira, message: "hi {{ x }}"}
                  - name: wait
                    type: sleep
                    sleep: {seconds: 0.5}
                  - name: fact
                    type: set_fact
                    set_fact: {value: [1, "{{ x }}", {k: v}]}
                  - name: branch
                    type: switch
                    switch:
                      data_key: fact
                      cases:
                        - when: "^1"
                          step: {name: again, type: goto, goto: {step_name: wait}}
                      default: {name: stop, type: exit, exit: {message: "bye {{ x }}"}}
                  - name: done
                    type: debug
                """);
        assertThat(problems).as(FlowCatalog.describe(problems)).isEmpty();
    }

    // --- k8s_job ---

    @Nested
    class KubernetesJob {

        @Test
        void missingImage() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: a
                        type: k8s_job
                        k8s_job:
                          command: [run]
                    """);
            assertOnly(problems, 6, 7, "step 'a': k8s_job: missing required key 'image'");
        }

        @Test
        void wrongTypesAndUnknownKeys() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: a
                        type: k8s_job
                        k8s_job:
                          image: busybox
                          wait: "yes"
                          timeout_seconds: 1.5
                          command: run
                          imagee: busybox
                    """);
            assertThat(problems).hasSize(4);
            assertThat(problems).filteredOn(Problem::isWarning).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("unknown key 'imagee'"));
            assertProblem(problems, 7, 13, "step 'a': k8s_job.wait: expected true or false");
            assertProblem(problems, 8, 24, "k8s_job.timeout_seconds: expected a whole number");
            assertProblem(problems, 9, 16, "k8s_job.command: expected a list");
            assertProblem(problems, 10, 7, "k8s_job: unknown key 'imagee', ignored (expected one of: image, command,"
                    + " args");
        }

        @Test
        void nestedBlocksAreCheckedToo() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: a
                        type: k8s_job
                        k8s_job:
                          image: busybox
                          args: [--since, {days: 1}]
                          env:
                            1BAD: x
                          env_secrets:
                            TOKEN: {secret: ci-tokens, keyy: github}
                          resources:
                            limits: {memory: lots}
                            request: {cpu: 1}
                          job_spec:
                            backofLimit: 2
                            template:
                              spec:
                                serviceAccount_name: x
                          timeout_seconds: 0
                    """);
            assertProblem(problems, 7, 23, "k8s_job.args: expected a list of strings, item 2 is a mapping");
            assertProblem(problems, 9, 9, "k8s_job.env: '1BAD' is not a valid variable name");
            assertProblem(problems, 11, 36, "k8s_job.env_secrets.TOKEN: unknown key 'keyy'");
            assertProblem(problems, 11, 16, "k8s_job.env_secrets.TOKEN: missing required key 'key'");
            assertProblem(problems, 13, 26, "k8s_job.resources.limits.memory: expected a quantity", "'lots'");
            assertProblem(problems, 14, 9, "k8s_job.resources: unknown key 'request'");
            assertProblem(problems, 16, 9, "k8s_job.job_spec: unknown key 'backofLimit'", "backoffLimit");
            assertProblem(problems, 19, 13, "k8s_job.job_spec.template.spec: unknown key 'serviceAccount_name'",
                    "serviceAccountName");
            assertProblem(problems, 20, 24, "k8s_job.timeout_seconds: expected 1 or more, found 0");
            assertThat(problems).hasSize(9);
        }

        @Test
        void jobSpecValuesMustFitTheModel() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: a
                        type: k8s_job
                        k8s_job:
                          image: busybox
                          job_spec:
                            backoffLimit: lots
                    """);
            assertOnly(problems, 8, 9, "k8s_job.job_spec: not a valid JobSpec: backoffLimit: Cannot deserialize",
                    "\"lots\"");
        }

        @Test
        void everyKeyUsedWell() throws IOException {
            List<Problem> problems = validate("""
                    name: x
                    steps:
                      - name: a
                        type: k8s_job
                        k8s_job:
                          image: "python:{{ version | default('3.12') }}"
                          command: [python, -c]
                          args: ["print(1)", 2]
                          env: {A: "{{ __job_id__ }}", B: 1}
                          env_secrets: {TOKEN: {secret: s, key: k}}
                          namespace: jobs
                          resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}
                          job_spec:
                            backoffLimit: 1
                            activeDeadlineSeconds: 60
                            template: {spec: {serviceAccountName: sa, nodeSelector: {a: b}}}
                          wait: true
                          timeout_seconds: 120
                          logs_tail_lines: 0
                    """);
            assertThat(problems).as(FlowCatalog.describe(problems)).isEmpty();
        }
    }
}
