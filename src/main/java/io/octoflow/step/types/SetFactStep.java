package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Stores a value under result_key. A string is a template and the stored value is its rendered text, as on the
 * spooler ("5", "True", "['a', 'b']"); a mapping or list (ours: the spooler fails on them) keeps its structure,
 * with its strings templated.
 */
public final class SetFactStep implements StepType<Object> {

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
                "A template; the rendered text is stored. A mapping or list keeps its structure, strings templated"
                        + " ('{{ expr }}' alone then keeps the expression's type)."));
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
        YNode value = block.get("value");
        if (value.isString()) {
            if (value.text().isEmpty()) {
                compiler.problem(value, "set_fact.value: expected a non-empty template");
                return null;
            }
            return compiler.template(value);
        }
        return TemplatedValue.compile(compiler, value);
    }

    @Override
    public void build(StepBuild<Object> build) {
        Object settings = build.settings();
        build.route().process(exchange -> {
            var context = FlowRun.of(exchange).templateContext();
            exchange.getMessage().setBody(settings instanceof Template template ? template.render(context)
                    : ((TemplatedValue) settings).evaluate(context));
        }).id(build.id());
    }
}
