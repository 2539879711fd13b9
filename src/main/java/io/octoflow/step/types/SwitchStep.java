package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.camel.Exchange;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.OtherwiseDefinition;
import org.apache.camel.model.PipelineDefinition;
import org.apache.camel.model.WhenDefinition;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.PythonRegex;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.StepDefinition;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepPipeline;
import io.octoflow.step.StepType;
import io.octoflow.template.Condition;
import io.octoflow.template.PythonText;
import io.octoflow.template.TemplateException;

/**
 * Runs the step of the first case whose regex matches, at its start (Python's {@code re.match}), the Python
 * {@code str()} of the data_key value ({@code None} when the key is missing, {@code {'k': 'v'}} for a mapping), or
 * the {@code default} step (Octoflow's addition), or nothing. A case may give a Jinja condition {@code if}
 * (Octoflow's addition) instead of the regex, or with it (then both must hold): rendered with the flow data, true as
 * a step's {@code when} is, so that values route by number ({@code __input__.amount > 5}), not only by text. The chosen step runs inline, as a Camel choice branch:
 * with its own {@code when}, storing its own result; a goto or exit in it steers the flow; its errors are the
 * switch step's (the switch's ignore_errors and on_error_goto apply).
 */
public final class SwitchStep implements StepType<SwitchStep.Settings> {

    private static final String CHOSEN = "octoflow.switchCase";

    /**
     * A case; {@code when} is null when it has no regex or its regex did not compile (then {@code brokenBecause}
     * says why: the switch fails on reaching it); {@code condition} is null without {@code if}.
     */
    record Case(Pattern when, Condition condition, String brokenBecause, StepDefinition<?> step) {
    }

    record Settings(String dataKey, List<Case> cases, StepDefinition<?> fallback) {
    }

    @Override
    public String type() {
        return "switch";
    }

    @Override
    public String description() {
        return "Runs the step of the first case whose regex matches the data_key value, or whose Jinja condition"
                + " ('if') is true.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.optional("data_key", Kind.STRING, "The value the cases' regexes are matched against (as"
                        + " Python's str()); needed unless every case has only 'if'."),
                Key.required("cases", Kind.MAPPING_LIST, "The cases, tried in order; each has 'when', 'if' or"
                        + " both.").with(
                        Key.optional("when", Kind.STRING, "Python regex matched at the start of the value."),
                        Key.optional("if", Kind.STRING, "Octoflow's addition: a Jinja condition rendered with the"
                                + " flow data (true as a step's when is: true, 1 or yes), e.g. \"__input__.amount"
                                + " > 5\"; with 'when', both must hold."),
                        Key.required("step", Kind.STEP, "The step run when the regex matches.")),
                Key.optional("default", Kind.STEP, "A step run when no case matches."));
    }

    @Override
    public String example() {
        return """
                - name: route by priority
                  type: switch
                  switch:
                    data_key: priority
                    cases:
                      - when: "high$"
                        step:
                          name: page someone
                          type: set_fact
                          set_fact:
                            value: paged
                      - if: "retries | default(0) > 3"
                        step:
                          name: give up
                          type: set_fact
                          set_fact:
                            value: abandoned
                    default:
                      name: just log
                      type: debug
                """;
    }

    /** The switch reads its data_key itself: a missing key is {@code None}, not an error. */
    @Override
    public String inputKey(YNode block) {
        return null;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        List<Case> cases = new ArrayList<>();
        YNode dataKey = block.get("data_key");
        // each case's keys were checked against their declaration; the problems of a case make the flow invalid
        for (YNode item : block.get("cases").items()) {
            if (!item.isMapping()) {
                continue;
            }
            YNode when = item.get("when");
            YNode condition = item.get("if");
            YNode step = item.get("step");
            if (when == null && condition == null) {
                compiler.problem(item, "switch.cases: a case needs 'when' (a regex matched against data_key) or"
                        + " 'if' (a Jinja condition), found neither");
                continue;
            }
            if (when != null && dataKey == null) {
                compiler.problem(when, "switch.cases.when: a regex case needs switch.data_key (the value it is"
                        + " matched against); use 'if' to test the flow data directly");
            }
            if (when != null && !when.isString() || condition != null && !condition.isString() || step == null
                    || !step.isMapping()) {
                continue;
            }
            Pattern pattern = null;
            String broken = null;
            if (when != null) {
                try {
                    pattern = PythonRegex.compile(when.text());
                } catch (PatternSyntaxException e) {
                    broken = "switch.cases.when: invalid regex '" + when.text() + "': " + PythonRegex.describe(e);
                    compiler.warning(when, broken + "; the switch fails when it gets to this case");
                }
            }
            Condition test = null;
            if (condition != null) {
                try {
                    test = compiler.templates().condition(condition.text());
                } catch (TemplateException e) {
                    compiler.problem(condition, "switch.cases.if: the condition does not parse: " + e.getMessage());
                    continue;
                }
            }
            StepDefinition<?> nested = compiler.nestedStep(step);
            if (nested != null) {
                cases.add(new Case(pattern, test, broken, nested));
            }
        }
        YNode fallback = block.get("default");
        return new Settings(dataKey == null ? null : dataKey.text(), cases,
                fallback == null ? null : compiler.nestedStep(fallback));
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            String text = settings.dataKey() == null ? null : PythonText.str(run.lookupOrNull(settings.dataKey()));
            Map<String, Object> context = null;
            int chosen = -1;
            for (int i = 0; i < settings.cases().size(); i++) {
                Case candidate = settings.cases().get(i);
                if (candidate.brokenBecause() != null) {
                    throw new IllegalStateException(candidate.brokenBecause());
                }
                if (candidate.when() != null && !PythonRegex.matchesAtStart(candidate.when(), text)) {
                    continue;
                }
                if (candidate.condition() != null) {
                    if (context == null) {
                        context = run.templateContext();
                    }
                    if (!candidate.condition().test(context)) {
                        continue;
                    }
                }
                chosen = i;
                break;
            }
            exchange.setProperty(CHOSEN, chosen);
        }).id(build.id());
        ChoiceDefinition choice = new ChoiceDefinition();
        choice.setId(build.id("cases"));
        for (int i = 0; i < settings.cases().size(); i++) {
            int index = i;
            WhenDefinition when = new WhenDefinition(
                    (org.apache.camel.Predicate) exchange -> chosen(exchange) == index);
            when.addOutput(chosen(settings.cases().get(i).step(), build));
            choice.addOutput(when);
        }
        if (settings.fallback() != null) {
            OtherwiseDefinition otherwise = new OtherwiseDefinition();
            otherwise.addOutput(chosen(settings.fallback(), build));
            choice.addOutput(otherwise);
        }
        build.route().addOutput(choice);
    }

    private static int chosen(Exchange exchange) {
        return exchange.getProperty(CHOSEN, -1, Integer.class);
    }

    /** The chosen case's step, run inline through the shared step pipeline (its own when, input, work, result). */
    private static PipelineDefinition chosen(StepDefinition<?> step, StepBuild<?> parent) {
        PipelineDefinition branch = new PipelineDefinition();
        StepBuild<?> ids = new StepBuild<>(branch, parent.flow(), step, parent.services());
        branch.process(exchange -> exchange.removeProperty(CHOSEN)).id(ids.id("chosen"));
        branch.addOutput(StepPipeline.nested(parent.flow(), step, parent.services()));
        return branch;
    }

    @Override
    public boolean storesResult() {
        return false;
    }
}
