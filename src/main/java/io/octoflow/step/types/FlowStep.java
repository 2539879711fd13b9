package io.octoflow.step.types;

import java.util.List;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Calls another flow synchronously through its {@code direct:} endpoint. The data_key value becomes the
 * sub-flow's {@code __input__}; the result is the sub-flow's final data. A failed sub-flow fails this step.
 */
public final class FlowStep implements StepType<String> {

    @Override
    public String type() {
        return "flow";
    }

    @Override
    public String description() {
        return "Calls another flow (from FLOWS_PATH) and stores its final data.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("path", Kind.STRING, "Flow file relative to FLOWS_PATH."),
                Key.optional("data_key", Kind.STRING, "Passed to the sub-flow as __input__."));
    }

    @Override
    public String example() {
        return """
                - name: process ticket
                  type: flow
                  result_key: ticket_result
                  flow:
                    path: process_ticket.yml
                    data_key: ticket
                """;
    }

    @Override
    public String compile(StepCompiler compiler, YNode block) {
        return compiler.subFlow(block.get("path"));
    }

    @Override
    public void build(StepBuild<String> build) {
        String path = build.settings(); // the called file's path: flows are identified by path
        SubFlowRoute sub = new SubFlowRoute(path, build.services().config().flowsPath());
        build.route().process(sub::requireDeployed).id(build.id("deployed"))
                .to(sub.endpointUri()).id(build.id());
    }
}
