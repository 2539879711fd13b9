package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Route;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.IdAware;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.support.FlowFixture;

/** Runs on CamelTestSupport's context, so the routes the engine builds can be inspected there. */
class SwitchStepTest extends CamelTestSupport {

    @TempDir
    Path dir;
    FlowFixture fx;
    FlowEngine engine;

    @BeforeEach
    void setUpEngine() {
        fx = new FlowFixture(dir);
        engine = fx.engine(context());
        fx.flow("switch.yml", """
                name: switcher
                steps:
                  - name: by priority
                    type: switch
                    switch:
                      data_key: priority
                      cases:
                        - when: "^high"
                          step:
                            name: escalate
                            type: set_fact
                            result_key: action
                            set_fact:
                              value: "page the on-call for {{ priority }}"
                        - when: ".*priority"
                          step:
                            name: second match
                            type: set_fact
                            result_key: action
                            set_fact:
                              value: second case
                        - when: "^stop$"
                          step:
                            name: stop here
                            type: exit
                            exit:
                              message: "stopped on request"
                      default:
                        name: queue
                        type: set_fact
                        result_key: action
                        set_fact:
                          value: "queue it ({{ priority }})"
                  - name: after
                    type: set_fact
                    set_fact:
                      value: "after {{ action | default('nothing') }}"
                """);
    }

    private RunResult run(String flowFile, Map<String, Object> data) {
        FlowDefinition flow = engine.load(fx.flows().resolve(flowFile));
        return engine.run(flow, null, data);
    }

    @Test
    void theFirstMatchingCaseRunsItsNestedStep() {
        RunResult r = run("switch.yml", Map.of("priority", "high priority"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("action", "page the on-call for high priority")
                .containsEntry("after", "after page the on-call for high priority")
                .doesNotContainKeys("by priority", "escalate", "second match", "queue");
    }

    @Test
    void aLaterCaseRunsWhenEarlierOnesDoNotMatch() {
        RunResult r = run("switch.yml", Map.of("priority", "low priority"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("action", "second case");
    }

    @Test
    void theDefaultRunsWhenNoCaseMatches() {
        RunResult r = run("switch.yml", Map.of("priority", "normal"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("action", "queue it (normal)").containsEntry("after", "after queue it (normal)");
    }

    @Test
    void anIfCaseRoutesByValueWithoutDataKey() {
        fx.flow("by_amount.yml", """
                name: by amount
                steps:
                  - name: route
                    type: switch
                    switch:
                      cases:
                        - if: "__input__.amount > 5"
                          step:
                            name: high
                            type: set_fact
                            result_key: store
                            set_fact:
                              value: timescale
                        - if: "__input__.amount is defined"
                          step:
                            name: low
                            type: set_fact
                            result_key: store
                            set_fact:
                              value: influx
                      default:
                        name: none
                        type: set_fact
                        result_key: store
                        set_fact:
                          value: nowhere
                """);
        FlowDefinition flow = engine.load(fx.flows().resolve("by_amount.yml"));
        assertThat(engine.run(flow, Map.of("amount", 7.5), Map.of()).data()).containsEntry("store", "timescale");
        assertThat(engine.run(flow, Map.of("amount", 5), Map.of()).data()).containsEntry("store", "influx");
        assertThat(engine.run(flow, Map.of("other", 1), Map.of()).data()).containsEntry("store", "nowhere");
    }

    @Test
    void aCaseWithWhenAndIfNeedsBoth() {
        fx.flow("both.yml", """
                name: both
                steps:
                  - name: route
                    type: switch
                    switch:
                      data_key: level
                      cases:
                        - when: "^high"
                          if: "count > 2"
                          step:
                            name: page
                            type: set_fact
                            result_key: action
                            set_fact:
                              value: page
                      default:
                        name: wait
                        type: set_fact
                        result_key: action
                        set_fact:
                          value: wait
                """);
        assertThat(run("both.yml", Map.of("level", "high", "count", 3)).data()).containsEntry("action", "page");
        assertThat(run("both.yml", Map.of("level", "high", "count", 1)).data()).containsEntry("action", "wait");
        assertThat(run("both.yml", Map.of("level", "low", "count", 9)).data()).containsEntry("action", "wait");
    }

    @Test
    void anExitInACaseEndsTheFlow() {
        RunResult r = run("switch.yml", Map.of("priority", "stop"));

        assertThat(r.status()).isEqualTo(RunStatus.EXIT);
        assertThat(r.error()).isEqualTo("Flow exited with message: stopped on request");
        assertThat(r.data()).doesNotContainKeys("stop here", "after", "action");
    }

    @Test
    void noMatchAndNoDefaultRunsNothingAndTheFlowGoesOn() {
        fx.flow("no_default.yml", """
                name: no default
                steps:
                  - name: pick
                    type: switch
                    switch:
                      data_key: ticket
                      cases:
                        - when: "{'level': 'high'}"
                          step:
                            name: high
                            type: set_fact
                            set_fact:
                              value: matched structured
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult miss = run("no_default.yml", Map.of("ticket", Map.of("level", "low")));
        RunResult hit = run("no_default.yml", Map.of("ticket", Map.of("level", "high")));

        assertThat(miss.status()).as(miss.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(miss.data()).containsEntry("after", "ran").doesNotContainKeys("high", "pick");
        assertThat(miss.steps()).extracting(s -> s.step() + ":" + s.status())
                .containsExactly("pick:success", "after:success");
        // structured values are matched as Python prints them; a brace is a literal, as in Python's re
        assertThat(hit.status()).as(hit.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(hit.data()).containsEntry("high", "matched structured");
    }

    @Test
    void theCasesMatchAtTheStartOfThePythonTextOfTheValue() {
        fx.flow("python_text.yml", """
                name: python text
                steps:
                  - name: by value
                    type: switch
                    switch:
                      data_key: value
                      cases:
                        - when: "igh"
                          step:
                            name: found inside
                            type: set_fact
                            result_key: picked
                            set_fact:
                              value: inside
                        - when: "None$"
                          step:
                            name: missing
                            type: set_fact
                            result_key: picked
                            set_fact:
                              value: missing key
                        - when: 'True|\\[''a'', 1\\]|1\\.5'
                          step:
                            name: python
                            type: set_fact
                            result_key: picked
                            set_fact:
                              value: "python text"
                        - when: ".*"
                          step:
                            name: anything
                            type: set_fact
                            result_key: picked
                            set_fact:
                              value: anything
                """);

        // re.match: "igh" is not at the start of "high"
        assertThat(run("python_text.yml", Map.of("value", "high")).data()).containsEntry("picked", "anything");
        // a missing data_key is None, not an error
        RunResult missing = run("python_text.yml", Map.of());
        assertThat(missing.status()).as(missing.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(missing.data()).containsEntry("picked", "missing key");
        assertThat(run("python_text.yml", Map.of("value", true)).data()).containsEntry("picked", "python text");
        assertThat(run("python_text.yml", Map.of("value", List.of("a", 1))).data())
                .containsEntry("picked", "python text");
        assertThat(run("python_text.yml", Map.of("value", 1.5)).data()).containsEntry("picked", "python text");
    }

    @Test
    void theChosenStepHasItsOwnWhenAndMayGoto() {
        fx.flow("nested.yml", """
                name: nested
                steps:
                  - name: pick
                    type: switch
                    switch:
                      data_key: mode
                      cases:
                        - when: "skip"
                          step:
                            name: guarded
                            type: set_fact
                            when: "allowed | default(false)"
                            set_fact:
                              value: ran guarded
                        - when: "jump"
                          step:
                            name: leap
                            type: goto
                            goto:
                              step_name: landing
                  - name: between
                    type: set_fact
                    set_fact:
                      value: ran between
                  - name: landing
                    type: set_fact
                    set_fact:
                      value: landed
                """);

        RunResult skipped = run("nested.yml", Map.of("mode", "skip"));
        RunResult allowed = run("nested.yml", Map.of("mode", "skip", "allowed", true));
        RunResult jumped = run("nested.yml", Map.of("mode", "jump"));

        assertThat(skipped.status()).as(skipped.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(skipped.data()).doesNotContainKey("guarded").containsEntry("between", "ran between");
        assertThat(allowed.data()).containsEntry("guarded", "ran guarded");
        assertThat(jumped.status()).as(jumped.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(jumped.data()).containsEntry("landing", "landed").doesNotContainKeys("between", "leap", "pick");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anErrorOfTheChosenStepIsTheSwitchStepsError() {
        fx.flow("nested_error.yml", """
                name: nested error
                steps:
                  - name: pick
                    type: switch
                    ignore_errors: ["{}"]
                    switch:
                      data_key: mode
                      cases:
                        - when: "read"
                          step:
                            name: reader
                            type: file
                            file:
                              path: missing.json
                  - name: after
                    type: set_fact
                    set_fact:
                      value: ran
                """);

        RunResult r = run("nested_error.yml", Map.of("mode", "read"));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("after", "ran");
        assertThat(r.data().get("__errors__")).asList().singleElement()
                .satisfies(e -> assertThat((Map<String, Object>) e).containsEntry("step", "pick")
                        .containsEntry("ignored", "Error ignored based on regex: {}"));
    }

    @Test
    void invalidRegexIsAWarningAndFailsTheSwitchWhenItGetsThere() {
        fx.flow("bad_switch.yml", """
                name: bad switch
                steps:
                  - name: pick
                    type: switch
                    switch:
                      data_key: x
                      cases:
                        - when: "([unclosed"
                          step:
                            name: never
                            type: debug
                """);

        assertThat(engine.catalog().warnings(fx.flows().resolve("bad_switch.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(8);
                    assertThat(p.message()).contains("pick").contains("invalid regex");
                });
        RunResult r = run("bad_switch.yml", Map.of("x", "a"));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("pick").contains("invalid regex");
    }

    @Test
    void theFlowIsARouteOfTheTestContextWithStepNamedProcessors() {
        FlowDefinition flow = engine.load(fx.flows().resolve("switch.yml"));

        assertThat(flow.routeId()).isEqualTo("flow-switch.yml");
        assertThat(context().getRoute("flow-switch.yml")).isNull(); // built on the first run
        Route route = engine.route(flow);
        assertThat(route).isNotNull().isSameAs(context().getRoute("flow-switch.yml"));
        assertThat(route.getEndpoint().getEndpointUri()).isEqualTo("direct://flow-switch.yml");

        // processors that are ids at run time (try blocks, choices) carry the step's name
        List<String> runtimeIds = new ArrayList<>();
        route.filter("switch.yml/*").forEach(p -> runtimeIds.add(((IdAware) p).getId()));
        assertThat(runtimeIds).contains("switch.yml/by priority:try", "switch.yml/by priority:cases",
                "switch.yml/after:try");
        // every step's main processor, nested switch cases included, has the id <flow path>/<step name>
        for (String id : List.of("switch.yml/by priority", "switch.yml/after", "switch.yml/escalate",
                "switch.yml/second match", "switch.yml/stop here", "switch.yml/queue")) {
            ProcessorDefinition<?> definition = context.getProcessorDefinition(id);
            assertThat(definition).as("processor %s", id).isNotNull();
            assertThat(definition.getId()).isEqualTo(id);
            assertThat(ProcessorDefinitionHelper.getRoute(definition).getRouteId()).isEqualTo("flow-switch.yml");
        }

        RouteDefinition model = context.getRouteDefinition("flow-switch.yml");
        List<String> modelIds = new ArrayList<>();
        collectIds(model.getOutputs(), modelIds);
        assertThat(modelIds).contains("switch.yml:start", "switch.yml/by priority", "switch.yml/by priority:cases",
                "switch.yml/escalate", "switch.yml/queue", "switch.yml/after", "switch.yml:end");

        // the route runs from the test context's own producer too
        RunResult r = engine.run(flow, null, Map.of("priority", "normal"));
        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(context().getRoutes()).extracting(Route::getRouteId).containsExactly("flow-switch.yml");
    }

    private static void collectIds(List<ProcessorDefinition<?>> outputs, List<String> ids) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output.getId() != null) {
                ids.add(output.getId());
            }
            collectIds(output.getOutputs(), ids);
        }
    }
}
