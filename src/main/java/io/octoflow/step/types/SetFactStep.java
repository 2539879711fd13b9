package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;

/** Stores a value (strings templated, structure kept) under result_key. */
public final class SetFactStep implements StepType {

    @Override
    public String type() {
        return "set_fact";
    }

    @Override
    public String description() {
        return "Stores a value in the flow data; strings in it are Jinja templates.";
    }

    @Override
    public List<Key> keys() {
        return List.of(Key.required("value", Kind.ANY,
                "The value: any YAML; '{{ expr }}' alone keeps the expression's type."));
    }

    @Override
    public String example() {
        return """
                - name: counter
                  type: set_fact
                  set_fact:
                    value: "{{ (counter | default(0) | int) + 1 }}"
                """;
    }

    @Override
    public Object compile(StepCompiler compiler, YNode block) {
        return TemplatedValue.compile(compiler, block.get("value"));
    }

    @Override
    public void build(StepBuild build) {
        TemplatedValue value = build.settings(TemplatedValue.class);
        build.route().process(exchange -> exchange.getMessage().setBody(
                value.evaluate(FlowRun.of(exchange).templateContext()))).id(build.id());
    }
}
