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

    /**
     * The configured command line: {@code --data @file.json} is ours to read, so picocli must not expand @files; a
     * setting Octoflow cannot use is one line on stderr (exit 1 for {@code run}, which cannot start, 2 otherwise).
     */
    public static picocli.CommandLine commandLine() {
        return new picocli.CommandLine(new OctoflowCommand()).setExpandAtFiles(false)
                .setExecutionExceptionHandler(OctoflowCommand::settingError);
    }

    private static int settingError(Exception e, picocli.CommandLine command, picocli.CommandLine.ParseResult parsed)
            throws Exception {
        if (!(e instanceof io.octoflow.config.InvalidSettingException)) {
            throw e;
        }
        command.getErr().println("octoflow: " + e.getMessage());
        return command.getCommand() instanceof RunCommand ? 1 : 2;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
