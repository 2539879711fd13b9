package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Continues the flow at another step (forwards or backwards; a loop ends by a when or the flow's timeout), or at a
 * special target: {@code __start__}, {@code __end__}, {@code __exit} (status exit). The target is a template,
 * rendered when the step runs; a target no step has fails the flow, even with ignore_errors (as on the spooler,
 * where the jump happens outside the step's error handling).
 */
public final class GotoStep implements StepType<Template> {

    @Override
    public String type() {
        return "goto";
    }

    @Override
    public String description() {
        return "Continues the flow at the named step, or at __start__, __end__, __exit.";
    }

    @Override
    public List<Key> keys() {
        return List.of(Key.required("step_name", Kind.STRING,
                "The step to continue at (templated; the last step of that name), or __start__, __end__ (the"
                        + " finally step still runs), __exit (ends the flow with status exit)."));
    }

    @Override
    public String example() {
        return """
                - name: again
                  type: goto
                  when: "counter < 3"
                  goto:
                    step_name: count
                """;
    }

    @Override
    public Template compile(StepCompiler compiler, YNode block) {
        YNode target = block.get("step_name");
        if (target.text().isEmpty()) {
            compiler.problem(target, "goto.step_name: must not be empty");
            return null;
        }
        Template template = compiler.template(target);
        if (template != null && template.isConstant()) {
            compiler.stepName(target);
        }
        return template;
    }

    @Override
    public void build(StepBuild<Template> build) {
        Template target = build.settings();
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            String name;
            try {
                name = target.render(run.templateContext());
            } catch (RuntimeException e) {
                throw new StepConstructionException("goto.step_name: " + e.getMessage(), e);
            }
            run.goTo(name);
        }).id(build.id());
    }

    @Override
    public boolean storesResult() {
        return false;
    }
}
