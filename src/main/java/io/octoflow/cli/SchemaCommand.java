package io.octoflow.cli;

import io.octoflow.flow.FlowSchema;
import io.octoflow.step.StepRegistry;

import picocli.CommandLine.Command;

/** {@code octoflow schema}: prints the JSON Schema of the flow format (the one shipped in docs/). */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Prints the JSON Schema of the flow format (as shipped in docs/flow.schema.json).")
public final class SchemaCommand implements Runnable {

    @Override
    public void run() {
        System.out.print(FlowSchema.generate(StepRegistry.standard()));
    }
}
