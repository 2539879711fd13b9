package io.octoflow;

import io.octoflow.cli.OctoflowCommand;

import picocli.CommandLine;

/** Entry point: the command line (launch, validate) does the rest. */
public final class Octoflow {

    public static void main(String[] args) {
        System.exit(new CommandLine(new OctoflowCommand()).execute(args));
    }
}
