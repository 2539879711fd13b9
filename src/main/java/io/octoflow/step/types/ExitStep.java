package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.PythonText;

/**
 * Ends the flow on purpose with status {@code exit} and the run's message {@code Flow exited with message: <message>},
 * as the spooler does: the message is used as written (not templated) and nothing is stored. The finally step does
 * not run.
 */
public final class ExitStep implements StepType<String> {

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
        return List.of(Key.required("message", Kind.ANY,
                "Why the flow stopped, as written (not templated): the run's message is 'Flow exited with"
                        + " message: <message>'."));
    }

    @Override
    public String example() {
        return """
                - name: nothing to do
                  type: exit
                  when: "tickets | length == 0"
                  exit:
                    message: "No tickets found, exiting early."
                """;
    }

    @Override
    public String compile(StepCompiler compiler, YNode block) {
        YNode message = block.get("message");
        return message == null ? null : PythonText.str(message.toJava());
    }

    @Override
    public void build(StepBuild<String> build) {
        String message = build.settings();
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            run.exit(message == null ? "Flow exited." : "Flow exited with message: " + message);
            exchange.getMessage().setBody(null);
        }).id(build.id());
    }

    @Override
    public boolean storesResult() {
        return false;
    }
}
