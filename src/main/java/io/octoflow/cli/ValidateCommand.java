package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.Problem;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code octoflow validate PATH...}: prints every problem as path:line:column: message. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks flow files (or directories of them) and prints every problem as"
                + " path:line:column: message.%nExit code: 0 when all are valid, 1 otherwise.")
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Flow files or directories.")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        OctoflowConfig config = OctoflowConfig.fromEnvironment();
        FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new Templates(config.templatesPath()),
                config.flowsPath(), config.templatesPath(), config.dataPath());
        List<Path> files = new ArrayList<>();
        int missing = 0;
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                files.addAll(FlowCatalog.flowFilesUnder(path));
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                System.out.println(path + ":1:1: no such file or directory");
                missing++;
            }
        }
        int invalid = 0;
        List<String> printed = new ArrayList<>();
        for (Path file : files) {
            List<Problem> problems = catalog.validate(file);
            if (!problems.isEmpty()) {
                invalid++;
            }
            for (Problem problem : problems) {
                String line = problem.toString();
                // a sub-flow's problems show once, even when several flows call it
                if (!printed.contains(line)) {
                    printed.add(line);
                    System.out.println(line);
                }
            }
        }
        System.err.println(files.size() + " flow file(s) checked, " + invalid + " invalid");
        return invalid == 0 && missing == 0 ? 0 : 1;
    }
}
