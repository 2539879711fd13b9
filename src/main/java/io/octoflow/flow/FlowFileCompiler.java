package io.octoflow.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

import io.octoflow.path.ConfinedPaths;
import io.octoflow.template.CompiledOnce;
import io.octoflow.template.Template;
import io.octoflow.template.TemplateException;
import io.octoflow.template.Templates;

import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * What a step type compiles its block with, for one flow file: problems at their place, templates and jq compiled
 * once, files checked inside their roots (TEMPLATES_PATH, DATA_PATH, FLOWS_PATH), sub-flows loaded and validated
 * (cycles included), goto targets and nested steps handed back to the file's reader.
 */
final class FlowFileCompiler implements StepCompiler {

    /** The verdict on each jq program checked so far (the same few recur in many files; it depends on the text only). */
    private static final CompiledOnce<String> JQ_CHECKED = new CompiledOnce<>(20_000);

    private final FlowCatalog catalog;
    private final FlowFileParser parser;
    private final FileProblems problems;
    private final Deque<Path> calling;
    /** Reading ahead ({@link FlowCatalog#readAhead}): a file that calls another flow is left to the catalog. */
    private final boolean alone;
    private final List<String> subFlows = new ArrayList<>();
    private final List<Path> calls = new ArrayList<>();

    FlowFileCompiler(FlowCatalog catalog, FlowFileParser parser, FileProblems problems, Deque<Path> calling,
            boolean alone) {
        this.catalog = catalog;
        this.parser = parser;
        this.problems = problems;
        this.calling = calling;
        this.alone = alone;
    }

    /**
     * Thrown when a file read {@link #alone} calls another flow: what it gives then depends on the files calling it
     * (cycles) and on the catalog, so it is read again in file order.
     */
    static final class CallsOtherFlows extends RuntimeException {
        CallsOtherFlows() {
            super("the file calls other flows", null, false, false);
        }
    }

    /** The flows this file calls, by path relative to FLOWS_PATH. */
    List<String> subFlows() {
        return List.copyOf(subFlows);
    }

    /** The files this file calls. */
    List<Path> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void problem(YNode at, String message) {
        problems.error(at, message);
    }

    @Override
    public void warning(YNode at, String message) {
        problems.warning(at, message);
    }

    @Override
    public void failsWhenRun(YNode at, String message) {
        problems.failsWhenRun(at, message);
    }

    @Override
    public Templates templates() {
        return catalog.templates();
    }

    @Override
    public Template template(YNode node) {
        try {
            return catalog.templates().compile(node.text());
        } catch (TemplateException e) {
            failsWhenRun(node, "the template does not parse: " + e.getMessage());
            return null;
        }
    }

    @Override
    public Template templateFile(YNode pathNode) {
        ConfinedPaths templateFiles = catalog.templateFiles();
        Path path;
        try {
            path = templateFiles.resolve(pathNode.text());
        } catch (ConfinedPaths.PathOutsideRootException e) {
            problem(pathNode, "path: " + e.getMessage());
            return null;
        }
        if (!Files.isRegularFile(path)) {
            problem(pathNode, "path: template '" + pathNode.text() + "' does not exist in TEMPLATES_PATH ("
                    + templateFiles.root() + ")");
            return null;
        }
        try {
            return catalog.templates().compile(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            problem(pathNode, "path: cannot read template '" + pathNode.text() + "': " + e.getMessage());
        } catch (TemplateException e) {
            failsWhenRun(pathNode, "path: template '" + pathNode.text() + "' does not parse: " + e.getMessage());
        }
        return null;
    }

    @Override
    public void dataFile(YNode pathNode) {
        String given = pathNode.text();
        Path normalized = Path.of(given).normalize();
        if (Path.of(given).isAbsolute() || given.startsWith("/") || given.startsWith("\\")
                || normalized.startsWith("..")) {
            problem(pathNode, "file.path: '" + given + "' leads outside DATA_PATH; use a path relative to DATA_PATH");
            return;
        }
        ConfinedPaths dataFiles = catalog.dataFiles();
        if (dataFiles != null) {
            try {
                dataFiles.resolve(given);
            } catch (ConfinedPaths.PathOutsideRootException e) {
                problem(pathNode, "path: " + e.getMessage());
            }
        }
    }

    @Override
    public String subFlow(YNode pathNode) {
        if (alone) {
            throw new CallsOtherFlows();
        }
        ConfinedPaths flowFiles = catalog.flowFiles();
        Path path;
        try {
            path = flowFiles.resolve(pathNode.text());
        } catch (ConfinedPaths.PathOutsideRootException e) {
            problem(pathNode, "path: " + e.getMessage());
            return null;
        }
        if (!Files.isRegularFile(path)) {
            // the spooler opens a sub-flow only when it calls it (a flow_loop over an empty list never does)
            warning(pathNode, "path: flow '" + pathNode.text() + "' does not exist in FLOWS_PATH ("
                    + flowFiles.root() + "): the step fails when it calls it");
            return flowFiles.relativize(path);
        }
        if (calling.contains(path)) {
            List<Path> chain = new ArrayList<>(calling);
            Collections.reverse(chain);
            String cycle = chain.subList(chain.indexOf(path), chain.size()).stream()
                    .map(p -> p.getFileName().toString()).collect(Collectors.joining(" -> "));
            problem(pathNode, "path: flows call each other in a cycle: " + cycle + " -> " + path.getFileName());
            return null;
        }
        calls.add(path);
        FlowCatalog.Parsed sub = catalog.load(path, calling);
        if (!sub.valid()) {
            List<Problem> errors = sub.errors();
            problem(pathNode, "path: flow '" + pathNode.text() + "' is invalid (" + errors.size()
                    + " problem" + (errors.size() == 1 ? "" : "s") + ", first: " + errors.get(0) + ")");
            return null;
        }
        String relative = flowFiles.relativize(path);
        subFlows.add(relative);
        return relative;
    }

    @Override
    public void stepName(YNode nameNode) {
        parser.reference(nameNode);
    }

    @Override
    public StepDefinition<?> nestedStep(YNode stepNode) {
        return parser.step(stepNode, false);
    }

    @Override
    public boolean jq(YNode node) {
        String error = JQ_CHECKED.get(node.text(), () -> jqError(node.text()));
        if (error.isEmpty()) {
            return true;
        }
        failsWhenRun(node, "jq does not compile: " + error);
        return false;
    }

    /** Why a jq program does not compile; empty when it does. */
    private static String jqError(String program) {
        try {
            JsonQuery.compile(program, Versions.JQ_1_7);
            return "";
        } catch (JsonQueryException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
