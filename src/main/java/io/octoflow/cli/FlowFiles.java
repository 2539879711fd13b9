package io.octoflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import io.octoflow.config.OctoflowConfig;

/** Where a flow named on the command line is: as given, or relative to FLOWS_PATH. */
final class FlowFiles {

    private FlowFiles() {
    }

    static Path locate(String given, OctoflowConfig config) {
        Path asGiven = Path.of(given);
        if (Files.isRegularFile(asGiven)) {
            return asGiven.toAbsolutePath().normalize();
        }
        Path inFlows = config.flowsPath().resolve(given).normalize();
        return Files.isRegularFile(inFlows) && inFlows.startsWith(config.flowsPath()) ? inFlows : null;
    }
}
