package io.octoflow.template;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.loader.ResourceLocator;
import com.hubspot.jinjava.tree.Node;

import io.octoflow.path.ConfinedPaths;
import jinjava.javax.el.CompositeELResolver;

/**
 * The Jinja engine: HubSpot Jinjava set up to behave like Python's Jinja2 default environment (Python printing,
 * operators, filters, tests and statements; see the Python* classes). Compiles templates and conditions once,
 * renders them with a fresh interpreter per call (interpreters are not thread-safe, parsed trees are). {@code {% include %}} and
 * {@code {% import %}} read only inside the templates directory.
 */
public final class Templates {

    private static final Pattern SINGLE_EXPRESSION = Pattern.compile("^\\s*\\{\\{(.*?)}}\\s*$", Pattern.DOTALL);

    /** Jinjava's switches towards Python's Jinja2 (the trailing newline is dropped by {@link #compile}). */
    private static final LegacyOverrides JINJA2 = LegacyOverrides.newBuilder()
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withAllowAdjacentTextNodes(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .withHandleBackslashInQuotesOnly(true)
            .build();

    private final Jinjava jinjava;
    private final JinjavaConfig config;
    /**
     * Templates and conditions compiled so far, by source (many flows share the same few): a compiled template is
     * immutable and depends on its text only, except when it reads other files ({@link #readsFiles}).
     */
    private final CompiledOnce<Object> compiled = new CompiledOnce<>(COMPILED_KEPT);
    /** How many distinct sources {@link #compiled} keeps (the least recently used go first). */
    private static final int COMPILED_KEPT = 20_000;
    private static final Pattern READS_FILES = Pattern.compile("\\{%-?\\s*(include|import|from|extends)\\b");

    public Templates(Path templatesRoot) {
        this.config = JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(false)
                // Jinja2 never renders a value's text again: with nested interpretation on, an upstream answer
                // holding {{ }} or {% %} would run as template (read other run data, fail the flow)
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(64L * 1024 * 1024)
                .withLegacyOverrides(JINJA2)
                .withInterperterFactory(PythonInterpreter.FACTORY)
                .withEnableFilterChainOptimization(false)
                .withElResolver(new CompositeELResolver() {
                    {
                        add(new PythonStrings());
                        add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
                    }
                })
                .build();
        this.jinjava = new PythonJinjava(config);
        PythonFilters.register(jinjava.getGlobalContext());
        SafeFilters.register(jinjava.getGlobalContext());
        jinjava.getGlobalContext().registerFilter(new AttrFilter());
        jinjava.getGlobalContext().registerFilter(new FileSizeFilter());
        jinjava.getGlobalContext().registerTag(new FilterBlockTag());
        // Jinja2's default environment has no `do` and no loop controls (they are extensions): a template using them
        // fails there, so it must not quietly work here
        for (String extension : List.of("do", "break", "continue")) {
            jinjava.getGlobalContext().registerTag(new ExtensionTag(extension));
        }
        jinjava.getGlobalContext().registerTag(new PythonForTag());
        jinjava.getGlobalContext().registerTag(new WithTag());
        jinjava.getGlobalContext().registerTag(new PythonIfTag());
        PythonTests.register(jinjava.getGlobalContext());
        PythonFunctions.register(jinjava.getGlobalContext());
        ConfinedPaths templates = new ConfinedPaths(templatesRoot, "TEMPLATES_PATH");
        jinjava.setResourceLocator(new ResourceLocator() {
            @Override
            public String getString(String name, Charset encoding, JinjavaInterpreter interpreter) throws IOException {
                return Files.readString(templates.resolve(name), encoding);
            }
        });
    }

    /** Compiles a template; throws {@link TemplateException} naming the first syntax error. */
    public Template compile(String source) {
        if (readsFiles(source)) {
            return compileNow(source);
        }
        return (Template) compiled.get("t" + source, () -> compileNow(source));
    }

    /** A template that includes or imports others: what it finds in them may change, it is compiled each time. */
    private static boolean readsFiles(String source) {
        return source.contains("{%") && READS_FILES.matcher(source).find();
    }

    private Template compileNow(String source) {
        String body = withoutFinalNewline(source);
        if (!source.contains("{{") && !source.contains("{%") && !source.contains("{#")) {
            return new Template(this, source, body, null, null);
        }
        String expression = null;
        Matcher single = SINGLE_EXPRESSION.matcher(source);
        if (single.matches() && !single.group(1).contains("}}") && !single.group(1).contains("{{")
                && !single.group(1).startsWith("-") && !single.group(1).endsWith("-")) {
            expression = single.group(1).trim();
            checkExpression(expression);
        }
        return new Template(this, source, body, parse(body), expression);
    }

    /** Jinja2 drops one final newline of a template ({@code keep_trailing_newline=False}). */
    private static String withoutFinalNewline(String source) {
        if (source.endsWith("\r\n")) {
            return source.substring(0, source.length() - 2);
        }
        if (source.endsWith("\n") || source.endsWith("\r")) {
            return source.substring(0, source.length() - 1);
        }
        return source;
    }

    private Node parse(String source) {
        JinjavaInterpreter interpreter = newInterpreter(Map.of());
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Node tree = interpreter.parse(source);
            List<TemplateError> errors = fatal(interpreter.getErrors(), true);
            if (errors.isEmpty()) {
                dryRun(interpreter, tree);
                errors = interpreter.getErrors().stream().filter(Templates::isParseError).toList();
            }
            if (!errors.isEmpty()) {
                throw new TemplateException(describe(errors));
            }
            return tree;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /**
     * Jinjava checks tag arguments and embedded expressions only when it renders; rendering once against empty
     * data finds those syntax errors when the flow loads. Other failures (an include, a filter on missing data)
     * depend on the data and are left to the run.
     */
    private static void dryRun(JinjavaInterpreter interpreter, Node tree) {
        try {
            interpreter.render(tree, true);
        } catch (TemplateSyntaxException e) {
            throw new TemplateException(e.getMessage());
        } catch (RuntimeException e) {
            // not a syntax error
        }
    }

    /**
     * Compiles a {@code when} condition. As on the spooler it is rendered as {@code {{ condition }}}; a condition
     * already written as a template ({@code {{ x }}}, {@code {% if %}}) is rendered as it is.
     */
    public Condition condition(String source) {
        if (readsFiles(source)) {
            return conditionNow(source);
        }
        return (Condition) compiled.get("c" + source, () -> conditionNow(source));
    }

    private Condition conditionNow(String source) {
        if (source.contains("{{") || source.contains("{%")) {
            return new Condition(source, compile(source));
        }
        checkExpression(source);
        return new Condition(source, compile("{{ " + source + " }}"));
    }

    private void checkExpression(String expression) {
        if (expression.isBlank()) {
            throw new TemplateException("empty expression");
        }
        JinjavaInterpreter interpreter = newInterpreter(Map.of());
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            interpreter.resolveELExpression(expression, 1);
        } catch (RuntimeException e) {
            // evaluation against an empty context may fail for reasons other than syntax; only syntax counts
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        List<TemplateError> syntax = interpreter.getErrors().stream().filter(Templates::isParseError).toList();
        if (!syntax.isEmpty()) {
            throw new TemplateException(describe(syntax));
        }
    }

    Object evaluate(String expression, Map<String, Object> context) {
        JinjavaInterpreter interpreter = newInterpreter(context);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Object value = interpreter.resolveELExpression(expression, 1);
            List<TemplateError> errors = fatal(interpreter.getErrors(), false);
            if (!errors.isEmpty()) {
                throw new TemplateException(describe(errors));
            }
            return plain(value);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    String render(Node tree, Map<String, Object> context) {
        JinjavaInterpreter interpreter = newInterpreter(context);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            String out;
            try {
                out = interpreter.render(tree, true);
            } catch (InterpretException e) {
                throw new TemplateException(e.getMessage() + causes(e));
            }
            List<TemplateError> errors = fatal(interpreter.getErrors(), false);
            if (!errors.isEmpty()) {
                throw new TemplateException(describe(errors));
            }
            return out;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    private JinjavaInterpreter newInterpreter(Map<String, Object> bindings) {
        Context context = new Context(jinjava.getGlobalContext(), bindings);
        return new PythonInterpreter(jinjava, context, config);
    }

    /**
     * A syntax error found when the flow loads. Jinjava also files a failure while evaluating (a filter rejecting
     * the empty data of the check) as a syntax error; those depend on the data and are left to the run.
     */
    private static boolean isParseError(TemplateError error) {
        if (error.getReason() != TemplateError.ErrorReason.SYNTAX_ERROR) {
            return false;
        }
        boolean evaluating = false;
        for (Throwable t = error.getException(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jinjava.de.odysseus.el.tree.TreeBuilderException) {
                return true;
            }
            evaluating |= t instanceof jinjava.javax.el.ELException;
        }
        return !evaluating;
    }

    private static List<TemplateError> fatal(List<TemplateError> errors, boolean parsing) {
        return errors.stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL
                        || parsing && e.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR)
                .toList();
    }

    private static String describe(List<TemplateError> errors) {
        return errors.stream()
                .map(e -> (e.getLineno() > 0 ? "line " + e.getLineno() + ": " : "") + e.getMessage() + cause(e))
                .distinct()
                .collect(Collectors.joining("; "));
    }

    private static String causes(Throwable error) {
        StringBuilder out = new StringBuilder();
        Throwable cause = error.getCause();
        while (cause != null && cause != cause.getCause()) {
            if (cause.getMessage() != null) {
                out.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        return out.toString();
    }

    /** Jinjava reports a failed include as "Error rendering tag": the cause says which path and why. */
    private static String cause(TemplateError error) {
        Throwable cause = error.getException();
        String last = null;
        while (cause != null) {
            if (cause.getMessage() != null && !cause.getMessage().equals(error.getMessage())) {
                last = cause.getMessage();
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        return last == null ? "" : " (" + last + ")";
    }

    /** Jinjava's own list and map wrappers, unwrapped into plain collections. */
    static Object plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        return value;
    }
}
