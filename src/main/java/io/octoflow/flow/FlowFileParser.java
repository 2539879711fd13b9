package io.octoflow.flow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import io.octoflow.path.ConfinedPaths;
import io.octoflow.template.Condition;
import io.octoflow.template.PythonText;
import io.octoflow.template.TemplateException;

/**
 * Reads one flow file into a {@link FlowDefinition}: the flow's keys, its steps (each step's common keys, then its
 * block, checked against the step type's keys and compiled by it), and the references between steps (goto,
 * on_error_goto, finally_step), checked once every step is known. Sub-flows are loaded through the catalog with the
 * chain of callers, to find cycles.
 */
final class FlowFileParser {

    private final FlowCatalog catalog;
    private final Path file;
    private final FileProblems problems;
    private final KeyChecker keys;
    private final FlowFileCompiler compiler;
    /** Top-level step names (goto targets), each with its last occurrence, as the spooler's lookup keeps it. */
    private final Map<String, YNode> stepNames = new LinkedHashMap<>();
    private final Map<String, Integer> stepNameUses = new LinkedHashMap<>();
    /** Steps of every level by name, to give each a unique id (processor ids must be unique). */
    private final Map<String, Integer> idUses = new LinkedHashMap<>();
    private final Map<YNode, String> stepReferences = new LinkedHashMap<>();
    /** The file's text once read (null before, or when it could not be read). */
    private String text;

    FlowFileParser(FlowCatalog catalog, Path file, Deque<Path> calling) {
        this(catalog, file, calling, false);
    }

    /**
     * With {@code alone}, the file is read without the catalog: calling another flow throws
     * {@link FlowFileCompiler.CallsOtherFlows} (see {@link FlowCatalog#readAhead}).
     */
    FlowFileParser(FlowCatalog catalog, Path file, Deque<Path> calling, boolean alone) {
        this.catalog = catalog;
        this.file = file;
        this.problems = new FileProblems(FlowCatalog.label(file));
        this.keys = new KeyChecker(problems);
        this.compiler = new FlowFileCompiler(catalog, this, problems, calling, alone);
    }

    FlowCatalog.Parsed parse() {
        String label = problems.label();
        List<Problem> found = problems.raw();
        try {
            text = FlowYaml.read(file, catalog.flowFiles().root());
        } catch (FlowYaml.Refused e) {
            found.add(new Problem(label, 1, 1, "flow file refused: " + e.getMessage()));
            return new FlowCatalog.Parsed(null, found, List.of());
        } catch (IOException e) {
            found.add(new Problem(label, 1, 1, "cannot read the flow file: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : "")));
            return new FlowCatalog.Parsed(null, found, List.of());
        }
        Optional<YNode> root;
        try {
            root = YNode.parse(text, label, found);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            found.add(new Problem(label, mark == null ? 1 : mark.getLine() + 1,
                    mark == null ? 1 : mark.getColumn() + 1, "invalid YAML: " + e.getProblem()
                    + (e.getContext() != null ? " (" + e.getContext() + ")" : "")));
            return new FlowCatalog.Parsed(null, found, List.of());
        } catch (YamlEngineException | IllegalArgumentException e) {
            found.add(new Problem(label, 1, 1, "invalid YAML: " + e.getMessage()));
            return new FlowCatalog.Parsed(null, found, List.of());
        }
        if (root.isEmpty() || !root.get().isMapping()) {
            YNode at = root.orElse(YNode.scalar(null, 1, 1));
            problems.error(at, "a flow must be a mapping with 'name' and 'steps', found " + at.describe());
            return new FlowCatalog.Parsed(null, found, List.of());
        }
        FlowDefinition flow = flow(root.get());
        List<Problem> all = problems.sorted();
        boolean valid = all.stream().noneMatch(Problem::isError);
        return new FlowCatalog.Parsed(valid ? flow : null, all, compiler.calls());
    }

    /** The text {@link #parse} read; null when it was not read. */
    String text() {
        return text;
    }

    private FlowDefinition flow(YNode root) {
        keys.check(root, FlowKeys.FLOW, "flow");
        String name = text(root, "name");
        if (name == null) {
            String fileName = file.getFileName().toString();
            name = fileName.replaceFirst("\\.(ya?ml)$", "");
        } else if (name.isBlank()) {
            problems.error(root.get("name"), "name: must not be empty");
        }
        String cron = text(root, "cron");
        if (cron != null) {
            try {
                CronSchedule.toQuartz(cron);
            } catch (IllegalArgumentException e) {
                problems.error(root.get("cron"), "cron: " + e.getMessage());
            }
        }
        Long everySeconds = count(root, "every_seconds");
        Long timeout = count(root, "timeout_seconds");
        if (cron != null && everySeconds != null) {
            problems.error(root.keyNode("every_seconds"), "use either 'cron' or 'every_seconds', not both");
        }
        List<StepDefinition<?>> steps = new ArrayList<>();
        YNode stepsNode = root.get("steps");
        if (stepsNode == null) {
            // the spooler reads a missing steps as none
            problems.warning(root, "no 'steps': the flow has no step, it does nothing");
        }
        if (stepsNode != null && stepsNode.isSequence()) {
            if (stepsNode.items().isEmpty()) {
                problems.warning(stepsNode, "steps: the flow has no step, it does nothing");
            }
            for (YNode stepNode : stepsNode.items()) {
                StepDefinition<?> step = step(stepNode, true);
                if (step != null) {
                    steps.add(step);
                }
            }
        }
        String finallyStep = text(root, "finally_step");
        if (finallyStep != null && !stepNames.containsKey(finallyStep)) {
            problems.error(root.get("finally_step"), "finally_step: no step is named '" + finallyStep + "'"
                    + known());
        }
        stepReferences.forEach((reference, fromStep) -> {
            String target = reference.text();
            String where = fromStep != null ? "step '" + fromStep + "': " : "";
            if (!stepNames.containsKey(target)) {
                problems.warning(reference, where + "no step is named '" + target + "'" + known()
                        + "; the flow fails if it gets there");
            } else if (stepNameUses.get(target) > 1) {
                problems.warning(reference, where + "'" + target + "' names " + stepNameUses.get(target)
                        + " steps; the jump goes to the last one (line " + stepNames.get(target).line() + ")");
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
        ConfinedPaths flows = catalog.flowFiles();
        String relative = file.startsWith(flows.root()) ? flows.relativize(file) : file.toString();
        TriggerDefinition trigger = TriggerFormats.compile(root.get("trigger"), triggerCompiler(name, relative));
        return new FlowDefinition(name, text(root, "description"), relative, file, List.copyOf(steps),
                finallyStep, cron, everySeconds, timeout,
                Concurrency.of(text(root, "concurrency")), compiler.subFlows(), trigger);
    }

    /** What the trigger kinds compile against: this flow's identity and this file's problems. */
    private TriggerCompiler triggerCompiler(String flowName, String flowPath) {
        return new TriggerCompiler() {
            @Override
            public void problem(YNode at, String message) {
                problems.error(at, message);
            }

            @Override
            public String flowName() {
                return flowName;
            }

            @Override
            public String flowPath() {
                return flowPath;
            }

            @Override
            public TriggerDefinition.At at(YNode node) {
                return new TriggerDefinition.At(flowPath, node.line(), node.column());
            }

            @Override
            public boolean dataPath(YNode node, String key) {
                String given = node.text();
                Path normalized = Path.of(given).normalize();
                if (given.isBlank() || Path.of(given).isAbsolute() || given.startsWith("/") || given.startsWith("\\")
                        || normalized.startsWith("..")) {
                    problems.error(node, key + ": '" + given + "' leads outside DATA_PATH; use a directory relative"
                            + " to DATA_PATH");
                    return false;
                }
                ConfinedPaths dataFiles = catalog.dataFiles();
                if (dataFiles != null) {
                    try {
                        dataFiles.resolve(given);
                    } catch (ConfinedPaths.PathOutsideRootException e) {
                        problems.error(node, key + ": " + e.getMessage());
                        return false;
                    }
                }
                return true;
            }
        };
    }

    private String known() {
        return stepNames.isEmpty() ? "" : " (steps: " + String.join(", ", stepNames.keySet()) + ")";
    }

    /** Reads one step: of the flow ({@code topLevel}), or written inside another (a switch case). */
    StepDefinition<?> step(YNode node, boolean topLevel) {
        if (!node.isMapping()) {
            problems.error(node, "a step must be a mapping with 'name' and 'type', found " + node.describe());
            return null;
        }
        YNode nameNode = node.get("name");
        String name = nameNode != null && nameNode.isString() ? nameNode.text() : null;
        FileProblems.Position previous = problems.enter(name);
        try {
            YNode typeNode = node.get("type");
            StepFormat<?> type = typeNode != null && typeNode.isString()
                    ? catalog.registry().find(typeNode.text()) : null;
            List<Key> allowed = new ArrayList<>(topLevel ? FlowKeys.STEP : FlowKeys.NESTED_STEP);
            if (type != null) {
                allowed.add(Key.optional(type.type(), Key.Kind.MAPPING_OR_NOTHING, type.description()));
            }
            keys.check(node, allowed, "step");
            if (typeNode != null && typeNode.isString() && type == null) {
                problems.error(typeNode, "type: unknown step type '" + typeNode.text() + "' (expected one of: "
                        + String.join(", ", catalog.registry().types()) + ")");
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
                    problems.warning(nameNode, "step name '" + name + "' is already used on line " + first.line()
                            + "; a goto to it goes to the last one");
                }
            }
            problems.phase(FileProblems.Phase.WHEN);
            List<Condition> when = conditions(node.get("when"));
            problems.phase(FileProblems.Phase.WORK);
            List<StepDefinition.IgnorePattern> ignore = patterns(node.get("ignore_errors"));
            String onErrorGoto = text(node, "on_error_goto");
            if (onErrorGoto != null && node.get("on_error_goto").isString()) {
                reference(node.get("on_error_goto"));
            }
            RetryPolicy retry = topLevel ? RetryPolicy.compile(node.get(RetryPolicy.KEY.name()), problems) : null;
            String jq = text(node, "jq_expression");
            if (jq != null) {
                problems.phase(FileProblems.Phase.JQ);
                compiler.jq(node.get("jq_expression"));
                problems.phase(FileProblems.Phase.WORK);
            }
            if (type == null || name == null) {
                return null;
            }
            String resultKey = text(node, "result_key");
            return compile(type, node, name, id, when, resultKey != null ? resultKey : name, ignore, onErrorGoto,
                    retry, jq);
        } finally {
            problems.leave(previous);
        }
    }

    /** The step's block, compiled by its type into its settings (null when the block does not fit). */
    private <S> StepDefinition<S> compile(StepFormat<S> type, YNode node, String name, String id,
            List<Condition> when, String resultKey, List<StepDefinition.IgnorePattern> ignore, String onErrorGoto,
            RetryPolicy retry, String jq) {
        YNode block = node.get(type.type());
        S settings = null;
        String dataKey = null;
        if ((block == null || block.isNull()) && type.blockRequired()) {
            String required = type.keys().stream().filter(Key::required).map(Key::name)
                    .collect(Collectors.joining(", "));
            problems.error(block == null ? node : block, block == null
                    ? "missing '" + type.type() + "' block (with " + required + ")"
                    : type.type() + ": expected a mapping with " + required + ", found nothing");
        } else if (block == null || block.isNull() || block.isMapping()) {
            YNode effective = block == null || block.isNull() ? YNode.emptyMapping(node.line(), node.column())
                    : block;
            // compiled even when the step has other problems: every problem of a file at once
            if (keys.check(effective, type.keys(), type.type())) {
                settings = type.compile(compiler, effective);
            }
            dataKey = type.inputKey(effective);
        }
        FileProblems.Deferred deferred = problems.deferred();
        return new StepDefinition<>(name, id, type, when, resultKey, ignore, onErrorGoto, retry, jq, dataKey, settings,
                node, deferred.when, deferred.work, deferred.jq);
    }

    /** A goto target: checked once every step is known (special targets always exist). */
    void reference(YNode nameNode) {
        if (!FlowKeys.GOTO_TARGETS.contains(nameNode.text())) {
            stepReferences.put(nameNode, problems.step());
        }
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
                conditions.add(catalog.templates().condition(item.isString() ? item.text()
                        : PythonText.str(item.scalar())));
            } catch (TemplateException e) {
                problems.failsWhenRun(item, "when: the expression does not parse: " + e.getMessage());
            }
        }
        return conditions;
    }

    /**
     * ignore_errors, read as Python regexes. One that does not compile is a warning and never matches (the spooler
     * fails the flow when it tries it, that is when the step has an error it would not ignore anyway).
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
                problems.warning(item, "ignore_errors: invalid regex, it never matches: " + PythonRegex.describe(e));
            }
        }
        return patterns;
    }

    /** A whole number of the flow's keys, when it fits its {@link Key} (else the key check reported it). */
    private Long count(YNode root, String key) {
        YNode node = root.get(key);
        Key declared = FlowKeys.FLOW.stream().filter(k -> k.name().equals(key)).findFirst().orElseThrow();
        if (node == null || !(node.scalar() instanceof Long value) || declared.check(node) != null) {
            return null;
        }
        return value;
    }

    private static String text(YNode mapping, String key) {
        YNode node = mapping.get(key);
        return node != null && node.isScalar() && node.scalar() != null && !(node.scalar() instanceof Boolean)
                ? node.text() : null;
    }
}
