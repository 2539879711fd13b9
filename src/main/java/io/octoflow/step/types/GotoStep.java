package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;

/** Continues the flow at another step (forwards or backwards; a loop ends by a when or the flow's timeout). */
public final class GotoStep implements StepType {

    @Override
    public String type() {
        return "goto";
    }

    @Override
    public String description() {
        return "Continues the flow at the named step.";
    }

    @Override
    public List<Key> keys() {
        return List.of(Key.required("step_name", Kind.STRING, "The step to continue at."));
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
    public Object compile(StepCompiler compiler, YNode block) {
        compiler.stepName(block.get("step_name"));
        return block.get("step_name").text();
    }

    @Override
    public void build(StepBuild build) {
        int target = build.flow().indexOf(build.settings(String.class));
        build.route().process(exchange -> FlowRun.of(exchange).jumpTo(target)).id(build.id());
    }

    @Override
    public boolean storesResult() {
        return false;
    }
}
