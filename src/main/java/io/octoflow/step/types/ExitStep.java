package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/** Ends the flow on purpose with status {@code exit}; the message is the result. The finally step does not run. */
public final class ExitStep implements StepType {

    @Override
    public String type() {
        return "exit";
    }

    @Override
    public String description() {
        return "Ends the flow early with status exit; the finally step does not run.";
    }

    @Override
    public List<Key> keys() {
        return List.of(Key.optional("message", Kind.STRING, "Why the flow stopped (templated); stored as result."));
    }

    @Override
    public String example() {
        return """
                - name: nothing to do
                  type: exit
                  result_key: exit_info
                  when: "tickets | length == 0"
                  exit:
                    message: "No tickets found, exiting early."
                """;
    }

    @Override
    public Object compile(StepCompiler compiler, YNode block) {
        YNode message = block.get("message");
        return message == null ? null : compiler.template(message);
    }

    @Override
    public void build(StepBuild build) {
        Template message = build.settings(Template.class);
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            String text = message == null ? "exit" : message.render(run.templateContext());
            run.status(RunStatus.EXIT);
            exchange.getMessage().setBody(text);
        }).id(build.id());
    }
}
