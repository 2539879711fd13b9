package io.octoflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * A step's {@code retry:} block as the flow format reads it: each problem at its line and column, naming the field
 * and what was expected; {@code on} regexes compiled at load; the compiled delays; the JSON Schema of the block.
 */
class RetryValidationTest {

    @TempDir
    Path root;

    Path flows;
    FlowCatalog catalog;

    @BeforeEach
    void setUp() throws IOException {
        flows = Files.createDirectories(root.resolve("flows"));
        Path templates = Files.createDirectories(root.resolve("templates"));
        catalog = new FlowCatalog(StepRegistry.standard(), new Templates(templates), flows, templates);
    }

    private int files;

    /** A new file each time: the catalog keeps what it read of a file. */
    private Path write(String yaml) throws IOException {
        Path file = flows.resolve("flow" + ++files + ".yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private List<Problem> validate(String retryBlock) throws IOException {
        return catalog.check(write("""
                name: flaky
                steps:
                  - name: call
                    type: debug
                """ + retryBlock.indent(4)));
    }

    private static void assertOnly(List<Problem> problems, boolean error, int line, int column, String message) {
        assertThat(problems).as(FlowCatalog.describe(problems)).singleElement().satisfies(p -> {
            assertThat(p.isError()).as("an error (not a warning): %s", p).isEqualTo(error);
            assertThat(p.line() + ":" + p.column()).isEqualTo(line + ":" + column);
            assertThat(p.message()).isEqualTo(message);
        });
    }

    @Test
    void aFullBlockIsValidAndCompiledWithItsDelays() throws IOException {
        Path file = write("""
                name: flaky
                steps:
                  - name: call
                    type: debug
                    retry:
                      max_attempts: 6
                      delay_seconds: 0.5
                      backoff: exponential
                      max_delay_seconds: 3
                      on: ["HTTP status 5\\\\d\\\\d", "Connection refused"]
                  - name: plain
                    type: debug
                """);
        assertThat(catalog.check(file)).isEmpty();
        List<StepDefinition<?>> steps = catalog.require(file).steps();
        RetryPolicy retry = steps.get(0).retry();
        assertThat(retry.maxAttempts()).isEqualTo(6);
        assertThat(retry.backoff()).isEqualTo(RetryPolicy.Backoff.EXPONENTIAL);
        // delay * 2^(n-1), capped by max_delay_seconds
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(retry::delayAfter).toList())
                .containsExactly(500L, 1000L, 2000L, 3000L, 3000L);
        assertThat(retry.retries("HTTP status 503 Service Unavailable from http://x")).isTrue();
        assertThat(retry.retries("HttpHostConnectException: Connect to x failed: Connection refused")).isTrue();
        assertThat(retry.retries("HTTP status 404 Not Found from http://x")).isFalse();
        assertThat(steps.get(1).retry()).as("no retry block: one attempt").isNull();
    }

    @Test
    void defaultsAreAConstantWaitOfZeroOnEveryError() throws IOException {
        Path file = write("""
                name: flaky
                steps:
                  - name: call
                    type: debug
                    retry: {max_attempts: 3}
                """);
        assertThat(catalog.check(file)).isEmpty();
        RetryPolicy retry = catalog.require(file).steps().get(0).retry();
        assertThat(retry.backoff()).isEqualTo(RetryPolicy.Backoff.CONSTANT);
        assertThat(retry.delayAfter(1)).isZero();
        assertThat(retry.delayAfter(2)).isZero();
        assertThat(retry.retries("anything at all")).isTrue();
    }

    @Test
    void aConstantBackoffWaitsTheSameEachTimeAndAnExponentialOneNeverOverflows() {
        RetryPolicy constant = new RetryPolicy(5, 2000, RetryPolicy.Backoff.CONSTANT, null, List.of());
        assertThat(constant.delayAfter(1)).isEqualTo(2000);
        assertThat(constant.delayAfter(4)).isEqualTo(2000);
        RetryPolicy uncapped = new RetryPolicy(1000, 1000, RetryPolicy.Backoff.EXPONENTIAL, null, List.of());
        assertThat(uncapped.delayAfter(3)).isEqualTo(4000);
        assertThat(uncapped.delayAfter(999)).as("at most the format's longest count of seconds")
                .isEqualTo(Key.MAX_SECONDS * 1000);
    }

    @Test
    void maxAttemptsIsRequiredAndAtLeastOne() throws IOException {
        assertOnly(validate("retry: {delay_seconds: 1}"), true, 5, 12,
                "step 'call': retry: missing required key 'max_attempts'");
        assertOnly(validate("""
                retry:
                  max_attempts: 0
                """), true, 6, 21, "step 'call': retry.max_attempts: expected a positive whole number up to 1000,"
                + " found a number '0'");
        assertOnly(validate("""
                retry:
                  max_attempts: 1001
                """), true, 6, 21, "step 'call': retry.max_attempts: expected a positive whole number up to 1000,"
                + " found a number '1001'");
        assertOnly(validate("""
                retry:
                  max_attempts: "3"
                """), true, 6, 21, "step 'call': retry.max_attempts: expected a whole number, found a string '3'");
    }

    @Test
    void delaysAreNumbersOfSecondsInTheirRangeAndTheCapIsNotBelowTheDelay() throws IOException {
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  delay_seconds: -1
                """), true, 7, 22, "step 'call': retry.delay_seconds: expected a number from 0 to "
                + Key.MAX_SECONDS + ", found a number '-1'");
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  delay_seconds: soon
                """), true, 7, 22, "step 'call': retry.delay_seconds: expected a number, found a string 'soon'");
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  delay_seconds: 10
                  backoff: exponential
                  max_delay_seconds: 5
                """), true, 9, 26, "step 'call': retry.max_delay_seconds: expected at least delay_seconds (10),"
                + " found 5");
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  delay_seconds: 1
                  max_delay_seconds: 5
                """), false, 8, 26, "step 'call': retry.max_delay_seconds: no effect with backoff: constant (every"
                + " wait is delay_seconds); did you mean backoff: exponential?");
    }

    @Test
    void backoffIsConstantOrExponential() throws IOException {
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  backoff: linear
                """), true, 7, 16, "step 'call': retry.backoff: expected one of constant, exponential, found a"
                + " string 'linear'");
    }

    @Test
    void aMisspeltKeyIsAnErrorNotAWarning() throws IOException {
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  delay: 5
                """), true, 7, 7, "step 'call': retry: unknown key 'delay' (expected one of: max_attempts,"
                + " delay_seconds, backoff, max_delay_seconds, on)");
    }

    @Test
    void retryIsAMapping() throws IOException {
        assertOnly(validate("retry: 3"), true, 5, 12, "step 'call': retry: expected a mapping, found a number '3'");
    }

    @Test
    void onRegexesCompileAtLoadWithTheirPlaceWhenInvalid() throws IOException {
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  on:
                    - "HTTP status 5\\\\d\\\\d"
                    - "timed out ("
                """), true, 9, 11, "step 'call': retry.on: invalid regex 'timed out (': Unclosed group at index 11");
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  on: []
                """), true, 7, 11, "step 'call': retry.on: expected at least one regex (leave 'on' out to retry every"
                + " error)");
        assertOnly(validate("""
                retry:
                  max_attempts: 3
                  on: [503]
                """), true, 7, 11, "step 'call': retry.on: expected a string or a list of strings, found a list");
    }

    @Test
    void aStepInsideASwitchCaseIsNotRetriedItsSwitchStepIs() throws IOException {
        List<Problem> problems = catalog.check(write("""
                name: flaky
                steps:
                  - name: pick
                    type: switch
                    retry: {max_attempts: 2}
                    switch:
                      data_key: __flow_path__
                      cases:
                        - when: "flow"
                          step:
                            name: inner
                            type: debug
                            retry: {max_attempts: 2}
                """));
        assertThat(problems).as(FlowCatalog.describe(problems)).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.line() + ":" + p.column()).isEqualTo("13:13");
            assertThat(p.message()).contains("unknown key 'retry', ignored");
        });
    }

    @Test
    void theJsonSchemaDescribesTheBlockWithTheValidatorsRanges() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(FlowSchema.generate(StepRegistry.standard()));
        JsonNode retry = schema.at("/definitions/step/properties/retry");
        assertThat(retry.path("type").asText()).isEqualTo("object");
        assertThat(retry.path("additionalProperties").asBoolean(true)).isFalse();
        assertThat(retry.path("required")).extracting(JsonNode::asText).containsExactly("max_attempts");
        assertThat(retry.at("/properties/max_attempts/minimum").asLong()).isEqualTo(1);
        assertThat(retry.at("/properties/max_attempts/maximum").asLong()).isEqualTo(RetryPolicy.MAX_ATTEMPTS);
        assertThat(retry.at("/properties/delay_seconds/type").asText()).isEqualTo("number");
        assertThat(retry.at("/properties/backoff/enum")).extracting(JsonNode::asText)
                .containsExactly("constant", "exponential");
        assertThat(retry.at("/properties/on/oneOf")).hasSize(2);
        // a step inside a switch case has no retry: its switch step's retry runs it again
        assertThat(schema.at("/definitions/nested_step/not/anyOf")).anySatisfy(rule ->
                assertThat(rule.path("required").get(0).asText()).isEqualTo("retry"));

        JsonNode flow = new YAMLMapper().readTree("""
                steps:
                  - name: call
                    type: debug
                    retry: {max_attempts: 3, delay_seconds: 0.5, backoff: exponential, max_delay_seconds: 4,
                            on: ["HTTP status 5"]}
                """);
        assertThat(FlowSchemaTest.MiniValidator.validate(schema, flow)).isEmpty();
        JsonNode misspelt = new YAMLMapper().readTree("""
                steps:
                  - {name: call, type: debug, retry: {max_attempts: 0, delay: 1}}
                """);
        assertThat(FlowSchemaTest.MiniValidator.validate(schema, misspelt)).hasSize(2);
    }
}
