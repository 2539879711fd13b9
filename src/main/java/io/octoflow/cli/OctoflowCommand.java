package io.octoflow.cli;

import picocli.CommandLine.Command;

/** The {@code octoflow} command and its subcommands. */
@Command(name = "octoflow", mixinStandardHelpOptions = true, version = "octoflow 0.1.0",
        description = "Runs spooler-format data flows as Apache Camel routes.",
        subcommands = {RunCommand.class, LaunchCommand.class, ValidateCommand.class, SchemaCommand.class,
            FlowsCommand.class, RunsCommand.class, RunFlowCommand.class})
public final class OctoflowCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The configured command line: {@code --data @file.json} is ours to read, so picocli must not expand @files. */
    public static picocli.CommandLine commandLine() {
        return new picocli.CommandLine(new OctoflowCommand()).setExpandAtFiles(false);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
