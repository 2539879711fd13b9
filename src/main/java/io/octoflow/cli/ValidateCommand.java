package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.datasource.Datasources;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.Problem;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code octoflow validate [--strict] PATH...}: prints every problem as {@code path:line:column: error: message} or
 * {@code path:line:column: warning: message}. Warnings are Octoflow's stricter checks on files the spooler accepts:
 * they load and run; {@code --strict} counts them as errors.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks flow files (or directories of them) and prints every problem as"
                + " path:line:column: error|warning: message.%nWarnings are stricter checks on files the spooler"
                + " accepts (they load and run).%nExit code: 0 when no file has an error, 1 otherwise"
                + " (with --strict, warnings count as errors).")
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Flow files or directories.")
    List<Path> paths;

    @Option(names = "--strict", description = "Treat warnings as errors (exit code 1 when there is any).")
    boolean strict;

    @Override
    public Integer call() throws IOException {
        OctoflowConfig config = OctoflowConfig.fromEnvironment();
        FlowFiles.applyLimits(config);
        Map<Path, FlowCatalog> catalogs = new LinkedHashMap<>();
        Map<Path, FlowCatalog> catalogOf = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        int missing = 0;
        for (Path path : paths) {
            if (Files.isDirectory(path) || Files.isRegularFile(path)) {
                FlowCatalog catalog = catalogs.computeIfAbsent(flowsRoot(path, config), root -> catalog(root, config));
                List<Path> found = Files.isDirectory(path) ? FlowCatalog.flowFilesUnder(path) : List.of(path);
                found.forEach(f -> catalogOf.put(f, catalog));
                files.addAll(found);
            } else {
                System.out.println(path + ":1:1: error: no such file or directory");
                missing++;
            }
        }
        int invalid = 0;
        int warned = 0;
        Set<String> printed = new LinkedHashSet<>();
        for (Path file : files) {
            List<Problem> problems = catalogOf.get(file).check(file);
            if (problems.stream().anyMatch(Problem::isError)) {
                invalid++;
            } else if (!problems.isEmpty()) {
                warned++;
            }
            for (Problem problem : problems) {
                // a sub-flow's problems show once, even when several flows call it
                if (printed.add(problem.toString())) {
                    System.out.println(strict && problem.isWarning()
                            ? new Problem(problem.file(), problem.line(), problem.column(), problem.message())
                            : problem);
                }
            }
        }
        System.err.println(files.size() + " flow file(s) checked, " + invalid + " invalid, " + warned
                + " with warnings only" + (strict && warned > 0 ? " (--strict: counted as invalid)" : ""));
        boolean ok = invalid == 0 && missing == 0 && !(strict && warned > 0);
        return ok ? 0 : 1;
    }

    /**
     * Where the sub-flow paths of a checked file resolve: FLOWS_PATH when the file is in it; otherwise the folder
     * given (or the file's folder), as a spooler data folder's {@code flows/} is checked where it lies.
     */
    private static Path flowsRoot(Path path, OctoflowConfig config) {
        Path absolute = path.toAbsolutePath().normalize();
        Path flows = config.flowsPath().toAbsolutePath().normalize();
        if (absolute.startsWith(flows)) {
            return flows;
        }
        return Files.isDirectory(absolute) ? absolute : absolute.getParent();
    }

    /**
     * A catalog for one flows folder. Outside FLOWS_PATH, a {@code templates/} folder beside it is the templates
     * folder (the spooler's DATA_PATH layout: flows/ and templates/ side by side); otherwise TEMPLATES_PATH.
     */
    private static FlowCatalog catalog(Path flowsRoot, OctoflowConfig config) {
        Path templates = config.templatesPath();
        if (!flowsRoot.equals(config.flowsPath().toAbsolutePath().normalize())) {
            Path beside = flowsRoot.resolveSibling("templates");
            if (Files.isDirectory(beside)) {
                templates = beside;
            }
            System.err.println("octoflow: " + flowsRoot + " is outside FLOWS_PATH: sub-flows resolve in it, templates"
                    + " in " + templates);
        }
        // the datasources the service would have: a sql step's datasource is checked as when the flow deploys
        return new FlowCatalog(StepRegistry.standard(null, Datasources.toValidate(config)), new Templates(templates),
                flowsRoot, templates, config.dataPath());
    }
}
