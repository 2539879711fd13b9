package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.camel.Exchange;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.PipelineDefinition;
import org.apache.camel.model.WhenDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepDefinition;
import io.octoflow.flow.YNode;
import io.octoflow.route.JqProcessors;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;

/**
 * Runs the step of the first case whose regex is found in the data_key value (as text; JSON for structured
 * values), or the {@code default} step, or nothing. The chosen step runs inline, as a Camel choice branch, and
 * stores its own result; a goto or exit in it steers the flow.
 */
public final class SwitchStep implements StepType {

    private static final String CHOSEN = "octoflow.switchCase";

    record Case(Pattern when, StepDefinition step) {
    }

    record Settings(List<Case> cases, StepDefinition fallback) {
    }

    @Override
    public String type() {
        return "switch";
    }

    @Override
    public String description() {
        return "Runs the step of the first case whose regex matches the data_key value.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("data_key", Kind.STRING, "The value the cases are matched against."),
                Key.required("cases", Kind.LIST, "List of {when: regex, step: {a step}}, tried in order."),
                Key.optional("default", Kind.MAPPING, "A step run when no case matches."));
    }

    @Override
    public String example() {
        return """
                - name: route by priority
                  type: switch
                  switch:
                    data_key: priority
                    cases:
                      - when: "^high$"
                        step:
                          name: page someone
                          type: set_fact
                          set_fact:
                            value: paged
                    default:
                      name: just log
                      type: debug
                """;
    }

    @Override
    public Object compile(StepCompiler compiler, YNode block) {
        List<Case> cases = new ArrayList<>();
        for (YNode item : block.get("cases").items()) {
            if (!item.isMapping()) {
                compiler.problem(item, "switch.cases: each case must be a mapping {when, step}, found "
                        + item.describe());
                continue;
            }
            for (String key : item.entries().keySet()) {
                if (!key.equals("when") && !key.equals("step")) {
                    compiler.problem(item.keyNode(key), "switch.cases: unknown key '" + key
                            + "' (expected one of: when, step)");
                }
            }
            YNode when = item.get("when");
            YNode step = item.get("step");
            Pattern pattern = null;
            if (when == null || !when.isString()) {
                compiler.problem(when == null ? item : when, "switch.cases.when: expected a regex string");
            } else {
                try {
                    pattern = Pattern.compile(when.text());
                } catch (PatternSyntaxException e) {
                    compiler.problem(when, "switch.cases.when: invalid regex: " + e.getDescription());
                }
            }
            if (step == null) {
                compiler.problem(item, "switch.cases: missing required key 'step'");
                continue;
            }
            StepDefinition nested = compiler.nestedStep(step);
            if (pattern != null && nested != null) {
                cases.add(new Case(pattern, nested));
            }
        }
        YNode fallback = block.get("default");
        return new Settings(cases, fallback == null ? null : compiler.nestedStep(fallback));
    }

    @Override
    public void build(StepBuild build) {
        Settings settings = build.settings(Settings.class);
        ObjectMapper json = build.services().json();
        build.route().process(exchange -> {
            Object value = exchange.getMessage().getBody();
            String text = value == null ? "" : value instanceof String s ? s : json.writeValueAsString(value);
            int chosen = -1;
            for (int i = 0; i < settings.cases().size(); i++) {
                if (settings.cases().get(i).when().matcher(text).find()) {
                    chosen = i;
                    break;
                }
            }
            exchange.setProperty(CHOSEN, chosen);
        }).id(build.id());
        ChoiceDefinition choice = new ChoiceDefinition();
        choice.setId(build.id("cases"));
        for (int i = 0; i < settings.cases().size(); i++) {
            int index = i;
            WhenDefinition when = new WhenDefinition(
                    (org.apache.camel.Predicate) exchange -> chosen(exchange) == index);
            when.addOutput(inline(settings.cases().get(i).step(), build));
            choice.addOutput(when);
        }
        if (settings.fallback() != null) {
            OtherwiseDefinition otherwise = new OtherwiseDefinition();
            otherwise.addOutput(inline(settings.fallback(), build));
            choice.addOutput(otherwise);
        }
        build.route().addOutput(choice);
    }

    private static int chosen(Exchange exchange) {
        return exchange.getProperty(CHOSEN, -1, Integer.class);
    }

    /** The nested step's own processors, between its input and the storing of its result. */
    private static PipelineDefinition inline(StepDefinition step, StepBuild parent) {
        PipelineDefinition branch = new PipelineDefinition();
        StepBuild build = new StepBuild(branch, parent.flow(), step, parent.services());
        branch.process(exchange -> {
            exchange.removeProperty(CHOSEN);
            FlowRun run = FlowRun.of(exchange);
            exchange.getMessage().setBody(step.dataKey() == null ? null : run.lookup(step.dataKey()));
        }).id(build.id("input"));
        step.type().build(build);
        if (step.jqExpression() != null) {
            JqProcessors.append(branch, parent.services().camelContext(), parent.services().json(),
                    step.jqExpression(), build.id("jq_expression"));
        }
        if (step.type().storesResult()) {
            branch.process(exchange -> FlowRun.of(exchange).data().put(step.resultKey(),
                    exchange.getMessage().getBody())).id(build.id("store"));
        }
        return branch;
    }

    @Override
    public boolean storesResult() {
        return false;
    }
}
