package io.octoflow.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import io.octoflow.path.ConfinedPaths;
import io.octoflow.schedule.CronSchedule;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepRegistry;
import io.octoflow.step.StepType;
import io.octoflow.template.Condition;
import io.octoflow.template.PythonText;
import io.octoflow.template.Template;
import io.octoflow.template.TemplateException;
import io.octoflow.template.Templates;

import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

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
 */
public final class FlowCatalog {

    private final StepRegistry registry;
    private final Templates templates;
    private final ConfinedPaths flowFiles;
    private final ConfinedPaths templateFiles;
    private final ConfinedPaths dataFiles;
    private final Map<Path, Parsed> parsed = new LinkedHashMap<>();

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

    public FlowCatalog(StepRegistry registry, Templates templates, Path flowsRoot, Path templatesRoot) {
        this(registry, templates, flowsRoot, templatesRoot, null);
    }

    /** With {@code dataRoot}, fixed file paths are also checked against DATA_PATH's symbolic links. */
    public FlowCatalog(StepRegistry registry, Templates templates, Path flowsRoot, Path templatesRoot,
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

    /** Forgets what was read, so that changed files are read again. */
    public synchronized void clear() {
        parsed.clear();
    }

    public synchronized Parsed load(Path file) {
        return load(file.toAbsolutePath().normalize(), new ArrayDeque<>());
    }

    private Parsed load(Path file, Deque<Path> calling) {
        Parsed known = parsed.get(file);
        if (known != null) {
            return known;
        }
        calling.push(file);
        try {
            Parsed result = new FileParser(file, calling).parse();
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

    /** Parses one file; sub-flows are loaded recursively with the chain of callers, to find cycles. */
    private final class FileParser implements StepCompiler {

        private final Path file;
        private final String label;
        private final Deque<Path> calling;
        private final List<Problem> problems = new ArrayList<>();
        /** Top-level step names (goto targets), each with its last occurrence, as the spooler's lookup keeps it. */
        private final Map<String, YNode> stepNames = new LinkedHashMap<>();
        private final Map<String, Integer> stepNameUses = new LinkedHashMap<>();
        /** Steps of every level by name, to give each a unique id (processor ids must be unique). */
        private final Map<String, Integer> idUses = new LinkedHashMap<>();
        private final Map<YNode, String> stepReferences = new LinkedHashMap<>();
        private final List<String> subFlows = new ArrayList<>();
        private final List<Path> calls = new ArrayList<>();
        private String currentStep;
        /** Where the step being compiled is, for load-time problems that make it fail when it runs. */
        private Deferred deferred;
        private Phase phase = Phase.WORK;

        private enum Phase { WHEN, WORK, JQ }

        /** What makes the step being compiled fail when it runs, by phase; the first problem of each phase. */
        private static final class Deferred {
            String when;
            String work;
            String jq;
        }

        FileParser(Path file, Deque<Path> calling) {
            this.file = file;
            this.label = label(file);
            this.calling = calling;
        }

        Parsed parse() {
            String text;
            try {
                text = FlowYaml.read(file, flowFiles.root());
            } catch (FlowYaml.Refused e) {
                problems.add(new Problem(label, 1, 1, "flow file refused: " + e.getMessage()));
                return new Parsed(null, problems, List.of());
            } catch (IOException e) {
                problems.add(new Problem(label, 1, 1, "cannot read the flow file: " + e.getClass().getSimpleName()
                        + (e.getMessage() != null ? " " + e.getMessage() : "")));
                return new Parsed(null, problems, List.of());
            }
            Optional<YNode> root;
            try {
                root = YNode.parse(text, label, problems);
            } catch (MarkedYamlEngineException e) {
                Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
                problems.add(new Problem(label, mark == null ? 1 : mark.getLine() + 1,
                        mark == null ? 1 : mark.getColumn() + 1, "invalid YAML: " + e.getProblem()
                        + (e.getContext() != null ? " (" + e.getContext() + ")" : "")));
                return new Parsed(null, problems, List.of());
            } catch (YamlEngineException | IllegalArgumentException e) {
                problems.add(new Problem(label, 1, 1, "invalid YAML: " + e.getMessage()));
                return new Parsed(null, problems, List.of());
            }
            if (root.isEmpty() || !root.get().isMapping()) {
                YNode at = root.orElse(YNode.scalar(null, 1, 1));
                problems.add(at(at, "a flow must be a mapping with 'name' and 'steps', found "
                        + at.describe()));
                return new Parsed(null, problems, List.of());
            }
            FlowDefinition flow = flow(root.get());
            problems.sort(null);
            boolean valid = problems.stream().noneMatch(Problem::isError);
            return new Parsed(valid ? flow : null, List.copyOf(problems), List.copyOf(calls));
        }

        private FlowDefinition flow(YNode root) {
            checkKeys(root, FlowKeys.FLOW, "flow");
            String name = text(root, "name");
            if (name == null) {
                String fileName = file.getFileName().toString();
                name = fileName.replaceFirst("\\.(ya?ml)$", "");
            } else if (name.isBlank()) {
                problems.add(at(root.get("name"), "name: must not be empty"));
            }
            String cron = text(root, "cron");
            if (cron != null) {
                try {
                    CronSchedule.toQuartz(cron);
                } catch (IllegalArgumentException e) {
                    problems.add(at(root.get("cron"), "cron: " + e.getMessage()));
                }
            }
            Long everySeconds = positive(root, "every_seconds");
            Long timeout = positive(root, "timeout_seconds");
            if (cron != null && everySeconds != null) {
                problems.add(at(root.keyNode("every_seconds"), "use either 'cron' or 'every_seconds', not both"));
            }
            List<StepDefinition> steps = new ArrayList<>();
            YNode stepsNode = root.get("steps");
            if (stepsNode == null) {
                // the spooler reads a missing steps as none
                problems.add(warningAt(root, "no 'steps': the flow has no step, it does nothing"));
            }
            if (stepsNode != null && stepsNode.isSequence()) {
                if (stepsNode.items().isEmpty()) {
                    problems.add(warningAt(stepsNode, "steps: the flow has no step, it does nothing"));
                }
                for (YNode stepNode : stepsNode.items()) {
                    StepDefinition step = step(stepNode, true);
                    if (step != null) {
                        steps.add(step);
                    }
                }
            }
            String finallyStep = text(root, "finally_step");
            if (finallyStep != null && !stepNames.containsKey(finallyStep)) {
                problems.add(at(root.get("finally_step"), "finally_step: no step is named '" + finallyStep
                        + "'" + known()));
            }
            stepReferences.forEach((reference, fromStep) -> {
                String target = reference.text();
                String where = fromStep != null ? "step '" + fromStep + "': " : "";
                if (!stepNames.containsKey(target)) {
                    problems.add(Problem.warning(label, reference.line(), reference.column(), where
                            + "no step is named '" + target + "'" + known() + "; the flow fails if it gets there"));
                } else if (stepNameUses.get(target) > 1) {
                    problems.add(Problem.warning(label, reference.line(), reference.column(), where + "'" + target
                            + "' names " + stepNameUses.get(target) + " steps; the jump goes to the last one (line "
                            + stepNames.get(target).line() + ")"));
                }
            });
            if (finallyStep != null) {
                // the finally step leaves the sequence and runs last
                String last = finallyStep;
                steps.stream().filter(s -> s.name().equals(last)).findFirst().ifPresent(s -> {
                    steps.remove(s);
                    steps.add(s);
                });
            }
            // the flow's identity: relative to FLOWS_PATH, or absolute outside it (never equal to a relative one)
            String relative = file.startsWith(flowFiles.root()) ? flowFiles.relativize(file) : file.toString();
            return new FlowDefinition(name, text(root, "description"), relative, file, List.copyOf(steps),
                    finallyStep, cron, everySeconds, timeout,
                    text(root, "concurrency") == null ? "forbid" : text(root, "concurrency"), List.copyOf(subFlows));
        }

        private String known() {
            return stepNames.isEmpty() ? "" : " (steps: " + String.join(", ", stepNames.keySet()) + ")";
        }

        private StepDefinition step(YNode node, boolean topLevel) {
            if (!node.isMapping()) {
                problems.add(at(node, "a step must be a mapping with 'name' and 'type', found "
                        + node.describe()));
                return null;
            }
            YNode nameNode = node.get("name");
            String name = nameNode != null && nameNode.isString() ? nameNode.text() : null;
            String previous = currentStep;
            Deferred previousDeferred = deferred;
            Phase previousPhase = phase;
            currentStep = name;
            deferred = new Deferred();
            try {
                YNode typeNode = node.get("type");
                StepType type = typeNode != null && typeNode.isString() ? registry.find(typeNode.text()) : null;
                List<Key> allowed = new ArrayList<>(topLevel ? FlowKeys.STEP : FlowKeys.NESTED_STEP);
                if (type != null) {
                    allowed.add(Key.optional(type.type(), Key.Kind.MAPPING_OR_NOTHING, type.description()));
                }
                checkKeys(node, allowed, "step");
                if (typeNode != null && typeNode.isString() && type == null) {
                    problems.add(at(typeNode, "type: unknown step type '" + typeNode.text()
                            + "' (expected one of: " + String.join(", ", registry.types()) + ")"));
                }
                String id = name;
                if (name != null) {
                    int uses = idUses.merge(name, 1, Integer::sum);
                    id = uses == 1 ? name : name + "#" + uses;
                }
                if (name != null && topLevel) {
                    YNode first = stepNames.get(name);
                    stepNameUses.merge(name, 1, Integer::sum);
                    stepNames.put(name, nameNode);
                    if (first != null) {
                        problems.add(warningAt(nameNode, "step name '" + name + "' is already used on line "
                                + first.line() + "; a goto to it goes to the last one"));
                    }
                }
                phase = Phase.WHEN;
                List<Condition> when = conditions(node.get("when"));
                phase = Phase.WORK;
                List<StepDefinition.IgnorePattern> ignore = patterns(node.get("ignore_errors"));
                String onErrorGoto = text(node, "on_error_goto");
                if (onErrorGoto != null && node.get("on_error_goto").isString()) {
                    stepName(node.get("on_error_goto"));
                }
                String jq = text(node, "jq_expression");
                if (jq != null) {
                    phase = Phase.JQ;
                    jq(node.get("jq_expression"));
                    phase = Phase.WORK;
                }
                if (type == null || name == null) {
                    return null;
                }
                YNode block = node.get(type.type());
                Object settings = null;
                String dataKey = null;
                if ((block == null || block.isNull()) && type.blockRequired()) {
                    String required = type.keys().stream().filter(Key::required).map(Key::name)
                            .collect(Collectors.joining(", "));
                    problems.add(block == null
                            ? at(node, "missing '" + type.type() + "' block (with " + required + ")")
                            : at(block, type.type() + ": expected a mapping with " + required + ", found nothing"));
                } else if (block == null || block.isNull() || block.isMapping()) {
                    YNode effective = block == null || block.isNull() ? emptyMapping(node) : block;
                    // compiled even when the step has other problems: every problem of a file at once
                    if (checkKeys(effective, type.keys(), type.type())) {
                        settings = type.compile(this, effective);
                    }
                    dataKey = type.inputKey(effective);
                }
                String resultKey = text(node, "result_key");
                return new StepDefinition(name, id, type, when, resultKey != null ? resultKey : name, ignore,
                        onErrorGoto, jq, dataKey, settings, node, deferred.when, deferred.work, deferred.jq);
            } finally {
                currentStep = previous;
                deferred = previousDeferred;
                phase = previousPhase;
            }
        }

        private YNode emptyMapping(YNode at) {
            return YNode.emptyMapping(at.line(), at.column());
        }

        /**
         * Checks keys of a mapping: unknown (a warning: the spooler ignores keys it does not read), missing, wrong
         * shape (an error, or a warning for a {@link Key#lenient()} key). Returns true when no error was found.
         */
        private boolean checkKeys(YNode mapping, List<Key> keys, String what) {
            boolean ok = true;
            Map<String, Key> byName = keys.stream().collect(Collectors.toMap(Key::name, k -> k, (a, b) -> a,
                    LinkedHashMap::new));
            for (Map.Entry<String, YNode> entry : mapping.entries().entrySet()) {
                Key key = byName.get(entry.getKey());
                if (key == null) {
                    problems.add(warningAt(mapping.keyNode(entry.getKey()), where(what) + "unknown key '"
                            + entry.getKey() + "', ignored (expected one of: " + String.join(", ", byName.keySet())
                            + ")"));
                    continue;
                }
                String expected = key.check(entry.getValue());
                if (expected != null) {
                    String message = prefix(what) + entry.getKey() + ": expected " + expected + ", found "
                            + describe(entry.getValue());
                    if (key.mismatch() == Problem.Severity.WARNING) {
                        problems.add(warningAt(entry.getValue(), message));
                    } else {
                        problems.add(at(entry.getValue(), message));
                        ok = false;
                    }
                }
            }
            for (Key key : keys) {
                if (key.required() && !mapping.entries().containsKey(key.name())) {
                    problems.add(at(mapping, where(what) + "missing required key '" + key.name() + "'"));
                    ok = false;
                }
            }
            return ok;
        }

        private String describe(YNode node) {
            return node.isScalar() && node.scalar() != null ? node.describe() + " '" + node.text() + "'"
                    : node.describe();
        }

        private String where(String what) {
            return what.equals("flow") || what.equals("step") ? "" : what + ": ";
        }

        private String prefix(String what) {
            return what.equals("flow") || what.equals("step") ? "" : what + ".";
        }

        private List<Condition> conditions(YNode node) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            List<YNode> items = node.isSequence() ? node.items() : List.of(node);
            List<Condition> conditions = new ArrayList<>();
            for (YNode item : items) {
                if (!item.isScalar() || item.scalar() == null) {
                    continue; // already reported by the key check
                }
                try {
                    // the spooler renders "{{ <condition> }}": a YAML number or boolean is its Python text
                    conditions.add(templates.condition(item.isString() ? item.text() : PythonText.str(item.scalar())));
                } catch (TemplateException e) {
                    failsWhenRun(item, "when: the expression does not parse: " + e.getMessage());
                }
            }
            return conditions;
        }

        /**
         * ignore_errors, read as Python regexes. One that does not compile is a warning and never matches (the
         * spooler fails the flow when it tries it, that is when the step has an error it would not ignore anyway).
         */
        private List<StepDefinition.IgnorePattern> patterns(YNode node) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            List<YNode> items = node.isSequence() ? node.items() : List.of(node);
            List<StepDefinition.IgnorePattern> patterns = new ArrayList<>();
            for (YNode item : items) {
                if (!item.isString()) {
                    continue;
                }
                try {
                    patterns.add(new StepDefinition.IgnorePattern(item.text(), PythonRegex.compile(item.text())));
                } catch (PatternSyntaxException e) {
                    problems.add(warningAt(item, "ignore_errors: invalid regex, it never matches: "
                            + PythonRegex.describe(e)));
                }
            }
            return patterns;
        }

        private Long positive(YNode root, String key) {
            YNode node = root.get(key);
            if (node == null || !(node.scalar() instanceof Long value)) {
                return null;
            }
            if (value <= 0) {
                problems.add(at(node, key + ": expected a positive whole number, found " + value));
                return null;
            }
            return value;
        }

        private String text(YNode mapping, String key) {
            YNode node = mapping.get(key);
            return node != null && node.isScalar() && node.scalar() != null && !(node.scalar() instanceof Boolean)
                    ? node.text() : null;
        }

        private Problem at(YNode at, String message) {
            String where = currentStep != null ? "step '" + currentStep + "': " : "";
            return new Problem(label, at.line(), at.column(), where + message);
        }

        private Problem warningAt(YNode at, String message) {
            String where = currentStep != null ? "step '" + currentStep + "': " : "";
            return Problem.warning(label, at.line(), at.column(), where + message);
        }

        // --- StepCompiler ---

        @Override
        public void problem(YNode at, String message) {
            problems.add(at(at, message));
        }

        @Override
        public void warning(YNode at, String message) {
            problems.add(warningAt(at, message));
        }

        @Override
        public void failsWhenRun(YNode at, String message) {
            problems.add(warningAt(at, message + "; the step fails when it runs"));
            if (deferred == null) {
                problems.add(at(at, message));
                return;
            }
            String text = message + " (" + label + " line " + at.line() + ", column " + at.column() + ")";
            switch (phase) {
                case WHEN -> deferred.when = deferred.when != null ? deferred.when : text;
                case JQ -> deferred.jq = deferred.jq != null ? deferred.jq : text;
                case WORK -> deferred.work = deferred.work != null ? deferred.work : text;
            }
        }

        @Override
        public Templates templates() {
            return templates;
        }

        @Override
        public Template template(YNode node) {
            try {
                return templates.compile(node.text());
            } catch (TemplateException e) {
                failsWhenRun(node, "the template does not parse: " + e.getMessage());
                return null;
            }
        }

        @Override
        public Template templateFile(YNode pathNode) {
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
                return templates.compile(Files.readString(path, StandardCharsets.UTF_8));
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
            Path path;
            try {
                path = flowFiles.resolve(pathNode.text());
            } catch (ConfinedPaths.PathOutsideRootException e) {
                problem(pathNode, "path: " + e.getMessage());
                return null;
            }
            if (!Files.isRegularFile(path)) {
                problem(pathNode, "path: flow '" + pathNode.text() + "' does not exist in FLOWS_PATH ("
                        + flowFiles.root() + ")");
                return null;
            }
            if (calling.contains(path)) {
                List<Path> chain = new ArrayList<>(calling);
                java.util.Collections.reverse(chain);
                String cycle = chain.subList(chain.indexOf(path), chain.size()).stream()
                        .map(p -> p.getFileName().toString()).collect(Collectors.joining(" -> "));
                problem(pathNode, "path: flows call each other in a cycle: " + cycle + " -> "
                        + path.getFileName());
                return null;
            }
            calls.add(path);
            Parsed sub = load(path, calling);
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
            if (!FlowKeys.GOTO_TARGETS.contains(nameNode.text())) {
                stepReferences.put(nameNode, currentStep);
            }
        }

        @Override
        public StepDefinition nestedStep(YNode stepNode) {
            return step(stepNode, false);
        }

        @Override
        public boolean jq(YNode node) {
            try {
                JsonQuery.compile(node.text(), Versions.JQ_1_7);
                return true;
            } catch (JsonQueryException e) {
                failsWhenRun(node, "jq does not compile: " + e.getMessage());
                return false;
            }
        }
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
