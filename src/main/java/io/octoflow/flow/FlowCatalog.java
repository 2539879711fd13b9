package io.octoflow.flow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.octoflow.path.ConfinedPaths;
import io.octoflow.template.Templates;

/**
 * Reads flow files and validates them completely: every problem of a file is collected (YAML syntax, unknown
 * keys, wrong types, missing fields, jq and Jinja that do not compile, bad cron, missing files, duplicate names,
 * dangling goto/finally targets, flows calling each other in a cycle), each with its line and column. A flow that
 * calls others is valid only when they are.
 *
 * <p>A file the spooler accepts must load, so what the spooler ignores (unknown keys, {@code description} on a
 * step, duplicate step names) or fails on only when a step runs (a template or jq program that does not compile, a
 * goto to no step, an {@code ignore_errors} regex Java cannot read) is a {@link Problem.Severity#WARNING}: the
 * flow loads and such a step fails when it runs, as on the spooler. Errors are what cannot run at all.
 *
 * <p>The catalog keeps what it read, by file; one file is read by a {@link FlowFileParser} (the flow and its steps),
 * whose {@link FlowFileCompiler} is what step types compile their blocks with, whose {@link KeyChecker} checks every
 * mapping against its declared {@link Key}s, and whose {@link FileProblems} collects the problems.
 */
public final class FlowCatalog {

    private final StepFormats registry;
    private final Templates templates;
    private final ConfinedPaths flowFiles;
    private final ConfinedPaths templateFiles;
    private final ConfinedPaths dataFiles;
    private final Map<Path, Parsed> parsed = new LinkedHashMap<>();
    private volatile FlowReadAhead early;

    /** One file's outcome: the flow when valid, and the problems (errors and warnings) of the file itself. */
    public record Parsed(FlowDefinition flow, List<Problem> problems, List<Path> calls) {
        public boolean valid() {
            return errors().isEmpty();
        }

        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }

        public List<Problem> warnings() {
            return problems.stream().filter(Problem::isWarning).toList();
        }
    }

    public FlowCatalog(StepFormats registry, Templates templates, Path flowsRoot, Path templatesRoot) {
        this(registry, templates, flowsRoot, templatesRoot, null);
    }

    /** With {@code dataRoot}, fixed file paths are also checked against DATA_PATH's symbolic links. */
    public FlowCatalog(StepFormats registry, Templates templates, Path flowsRoot, Path templatesRoot,
            Path dataRoot) {
        this.dataFiles = dataRoot == null ? null : new ConfinedPaths(dataRoot, "DATA_PATH");
        this.registry = registry;
        this.templates = templates;
        this.flowFiles = new ConfinedPaths(flowsRoot, "FLOWS_PATH");
        this.templateFiles = new ConfinedPaths(templatesRoot, "TEMPLATES_PATH");
    }

    public ConfinedPaths flowFiles() {
        return flowFiles;
    }

    StepFormats registry() {
        return registry;
    }

    Templates templates() {
        return templates;
    }

    ConfinedPaths templateFiles() {
        return templateFiles;
    }

    /** DATA_PATH, or null when fixed file paths are checked by their text only. */
    ConfinedPaths dataFiles() {
        return dataFiles;
    }

    /**
     * Validates {@code file} and every flow it calls; returns the errors of all of them (empty: the flow loads).
     * {@link #check} gives the warnings too.
     */
    public synchronized List<Problem> validate(Path file) {
        return check(file).stream().filter(Problem::isError).toList();
    }

    /** The warnings of {@code file} itself (not of the flows it calls): the flow loads with them. */
    public synchronized List<Problem> warnings(Path file) {
        return load(file).warnings();
    }

    /** Every problem, errors and warnings, of {@code file} and of every flow it calls. */
    public synchronized List<Problem> check(Path file) {
        Path start = file.toAbsolutePath().normalize();
        load(start);
        List<Problem> problems = new ArrayList<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(start));
        List<Path> seen = new ArrayList<>();
        while (!todo.isEmpty()) {
            Path next = todo.pop();
            Parsed result = parsed.get(next);
            if (result == null || seen.contains(next)) {
                continue;
            }
            seen.add(next);
            problems.addAll(result.problems());
            todo.addAll(result.calls());
        }
        return problems;
    }

    /** The valid flow in {@code file}; throws {@link InvalidFlowException} with every problem otherwise. */
    public synchronized FlowDefinition require(Path file) {
        Parsed result = load(file);
        if (!result.valid()) {
            throw new InvalidFlowException(result.errors());
        }
        return result.flow();
    }

    /** The flow and every flow it calls, directly or not, each once. */
    public synchronized List<FlowDefinition> closure(Path file) {
        Map<Path, FlowDefinition> found = new LinkedHashMap<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(file.toAbsolutePath().normalize()));
        while (!todo.isEmpty()) {
            Path next = todo.pop();
            Parsed result = parsed.get(next);
            if (result == null || result.flow() == null || found.containsKey(next)) {
                continue;
            }
            found.put(next, result.flow());
            for (String sub : result.flow().subFlows()) {
                todo.push(flowFiles.resolve(sub));
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The name of the flow at {@code relativePath} under FLOWS_PATH (already validated). */
    public synchronized String flowName(String relativePath) {
        Parsed result = parsed.get(flowFiles.resolve(relativePath));
        if (result == null || result.flow() == null) {
            throw new IllegalStateException("flow '" + relativePath + "' was not validated");
        }
        return result.flow().name();
    }

    /**
     * Reads {@code files} (absolute, normalized) ahead on {@code threads} threads at once (this one included), so
     * that {@link #load} finds them read; what {@code load} then gives is what it would have read itself, whatever
     * the number of threads and the order they finish in. Only a file that calls no other flow is kept: one that
     * calls others depends on the chain of files calling it (cycles, invalid sub-flows), so {@link #load} reads it
     * in file order, as it reads a file that failed here (a {@link StackOverflowError} included) to report it as
     * it always did.
     */
    public void readAhead(List<Path> files, int threads) {
        FlowReadAhead.readNow(this, files, threads);
    }

    /** What readers read ahead ({@link FlowReadAhead}): kept unless the file was read meanwhile. */
    synchronized void accept(List<Path> files, Parsed[] read) {
        for (int i = 0; i < read.length; i++) {
            if (read[i] != null) {
                parsed.putIfAbsent(files.get(i), read[i]);
            }
        }
    }

    /**
     * The start-up's reading of FLOWS_PATH begun early (see {@link FlowReadAhead}), handed to whoever deploys the
     * files; {@link #takeReadingAhead} gives it once.
     */
    public void readingAhead(FlowReadAhead reading) {
        this.early = reading;
    }

    /** The reading begun by {@link #readingAhead}, once; null when none was begun (or it was taken). */
    public synchronized FlowReadAhead takeReadingAhead() {
        FlowReadAhead reading = early;
        early = null;
        return reading;
    }

    /** Forgets what was read, so that changed files are read again. */
    public synchronized void clear() {
        parsed.clear();
    }

    public synchronized Parsed load(Path file) {
        return load(file.toAbsolutePath().normalize(), new ArrayDeque<>());
    }

    /** Loads {@code file} (absolute, normalized) with the chain of files calling it, to find cycles. */
    Parsed load(Path file, Deque<Path> calling) {
        Parsed known = parsed.get(file);
        if (known != null) {
            return known;
        }
        calling.push(file);
        try {
            Parsed result = new FlowFileParser(this, file, calling).parse();
            parsed.put(file, result);
            return result;
        } finally {
            calling.pop();
        }
    }

    static String label(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }

    /**
     * Files under a directory that look like flows, sorted. Hidden directories are skipped: a Kubernetes ConfigMap
     * volume keeps the real files in {@code ..<timestamp>/} and shows them through links, which would load each
     * flow twice.
     */
    public static List<Path> flowFilesUnder(Path directory) throws IOException {
        try (var stream = Files.walk(directory)) {
            return stream.filter(p -> !inHiddenDirectory(directory, p))
                    .filter(Files::isRegularFile)
                    .filter(FlowYaml::isFlowFile)
                    .sorted()
                    .toList();
        }
    }

    private static boolean inHiddenDirectory(Path directory, Path file) {
        Path parent = directory.relativize(file).getParent();
        if (parent != null) {
            for (Path part : parent) {
                if (part.toString().startsWith(".")) {
                    return true;
                }
            }
        }
        return false;
    }

    public static String describe(Collection<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }
}
