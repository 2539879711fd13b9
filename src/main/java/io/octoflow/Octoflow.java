package io.octoflow;

import io.octoflow.cli.OctoflowCommand;

/** Entry point: the command line (launch, validate) does the rest. */
public final class Octoflow {

    public static void main(String[] args) {
        System.exit(OctoflowCommand.commandLine().execute(args));
    }
}
