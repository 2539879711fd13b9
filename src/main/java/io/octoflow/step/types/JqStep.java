package io.octoflow.step.types;

import java.util.List;

import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.JqProcessors;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Transforms data with a jq program (jackson-jq, as camel-jq runs it, under JQ_MAX_STEPS and
 * JQ_MAX_OUTPUT_NODES: see JqRuntime). Input, as on the spooler: the top-level data_key value ({} when
 * the key is missing or is "."); without data_key (ours), the whole flow data. Integral numbers come out as
 * integers, as libjq's doubles print (1.0 gives 1).
 */
public final class JqStep implements StepType<String> {

    @Override
    public String type() {
        return "jq";
    }

    @Override
    public String description() {
        return "Transforms data with a jq program.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("expression", Kind.STRING, "The jq program."),
                Key.optional("data_key", Kind.STRING, "Input: a top-level key of the flow data ({} when missing);"
                        + " absent: all of it."));
    }

    @Override
    public String example() {
        return """
                - name: high priority
                  type: jq
                  result_key: urgent
                  jq:
                    expression: '[.tickets[] | select(.priority == "high")]'
                """;
    }

    @Override
    public String compile(StepCompiler compiler, YNode block) {
        compiler.jq(block.get("expression"));
        return block.get("expression").text();
    }

    @Override
    public Object input(FlowRun run, String dataKey) {
        return RestStep.topLevelOrEmpty(run, dataKey);
    }

    @Override
    public void build(StepBuild<String> build) {
        Processor jq = JqProcessors.processor(build.services(), build.settings());
        if (build.step().dataKey() != null) {
            build.route().process(jq).id(build.id());
            return;
        }
        // one processor: its whole data as the input, then the program
        Processor input = Inputs.wholeDataUnlessKeyed(build.step());
        build.route().process(exchange -> {
            input.process(exchange);
            jq.process(exchange);
        }).id(build.id());
    }
}
