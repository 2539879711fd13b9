package io.octoflow.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.lang3.tuple.Pair;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;

/**
 * Jinja2's for loop on top of Jinjava's: {@code {% for x in l if cond %}} filters the items (loop.index counts
 * the kept ones), {@code {% else %}} renders when nothing was iterated, a string iterates its characters, and
 * {@code {% for x in l recursive %}} makes {@code loop(children)} render the body again one level deeper.
 */
final class PythonForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    /** {@code recursive} closes the loop header: {@code for x in items if x.ok recursive}. */
    private static final Pattern RECURSIVE = Pattern.compile("\\s+recursive$");

    /** A data structure nested deeper than this is refused rather than walked until the stack overflows. */
    private static final int MAX_DEPTH = 500;

    /** The loop body without its else branch, built once per parsed loop (parsed trees are shared). */
    private final Map<TagNode, Pair<TagNode, List<Node>>> split = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Pair<TagNode, List<Node>> parts = split.computeIfAbsent(tagNode, PythonForTag::split);
        Pair<List<String>, String> varsAndExpression = getLoopVarsAndExpression((TagToken) tagNode.getMaster());
        List<String> vars = varsAndExpression.getLeft();
        String expression = varsAndExpression.getRight().strip();
        Matcher recursive = RECURSIVE.matcher(expression);
        boolean isRecursive = recursive.find();
        if (isRecursive) {
            expression = expression.substring(0, recursive.start());
        }
        String condition = null;
        int at = topLevelIf(expression);
        if (at >= 0) {
            condition = expression.substring(at + 4).trim();
            expression = expression.substring(0, at).trim();
        }
        Object collection = interpreter.resolveELExpression(expression, tagNode.getLineNumber());
        if (isRecursive) {
            return renderRecursive(parts, vars, condition, collection, 0, interpreter, tagNode.getLineNumber());
        }
        if (collection instanceof CharSequence text) {
            collection = PythonFilters.iterate(text.toString());
        }
        if (condition != null) {
            collection = kept(collection, vars, condition, interpreter, tagNode.getLineNumber());
        }
        if (isEmpty(collection) && !parts.getRight().isEmpty()) {
            return renderAll(parts.getRight(), interpreter);
        }
        return renderForCollection(parts.getLeft(), interpreter, vars, collection);
    }

    /** One level of a recursive loop; {@code loop(children)} in its body renders the next level. */
    private String renderRecursive(Pair<TagNode, List<Node>> parts, List<String> vars, String condition,
            Object collection, int depth, JinjavaInterpreter interpreter, int line) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("recursive loop deeper than " + MAX_DEPTH + " levels");
        }
        List<Object> items = collection == null ? List.of() : condition != null
                ? kept(collection, vars, condition, interpreter, line) : PythonFilters.iterate(collection);
        if (items.isEmpty() && !parts.getRight().isEmpty()) {
            return renderAll(parts.getRight(), interpreter);
        }
        RecursiveLoop loop = new RecursiveLoop(items, depth,
                children -> renderRecursive(parts, vars, condition, children, depth + 1, interpreter, line));
        LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            interpreter.getContext().put(LOOP, loop);
            while (loop.hasNext()) {
                bind(vars, interpreter.wrap(loop.next()), interpreter);
                for (Node node : parts.getLeft().getChildren()) {
                    out.append(node.render(interpreter));
                }
            }
        }
        return out.toString();
    }

    private static String renderAll(List<Node> nodes, JinjavaInterpreter interpreter) {
        StringBuilder out = new StringBuilder();
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            for (Node node : nodes) {
                out.append(node.render(interpreter));
            }
        }
        return out.toString();
    }

    /** Sets the loop variables to one item: {@code x}, or {@code k, v} unpacked from a pair. */
    private static void bind(List<String> vars, Object item, JinjavaInterpreter interpreter) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.get(0), item);
            return;
        }
        List<?> values = item instanceof Map.Entry<?, ?> e ? java.util.Arrays.asList(e.getKey(), e.getValue())
                : item instanceof List<?> l ? l : List.of();
        for (int i = 0; i < vars.size(); i++) {
            interpreter.getContext().put(vars.get(i), i < values.size() ? values.get(i) : null);
        }
    }

    private static boolean isEmpty(Object collection) {
        return collection == null || collection instanceof Collection<?> c && c.isEmpty()
                || collection instanceof Map<?, ?> m && m.isEmpty();
    }

    private static List<Object> kept(Object collection, List<String> vars, String condition,
            JinjavaInterpreter interpreter, int line) {
        List<Object> kept = new ArrayList<>();
        if (collection == null) {
            return kept;
        }
        for (Object item : PythonFilters.iterate(collection)) {
            try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
                bind(vars, item, interpreter);
                if (PythonTypeConverter.truthy(interpreter.resolveELExpression(condition, line))) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    /** Where {@code if} starts at the top level of a loop expression (outside quotes and brackets), or -1. */
    static int topLevelIf(String expression) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && expression.startsWith(" if ", i)) {
                return i;
            }
        }
        return -1;
    }

    private static Pair<TagNode, List<Node>> split(TagNode loop) {
        LinkedList<Node> body = new LinkedList<>();
        List<Node> otherwise = new ArrayList<>();
        boolean inElse = false;
        for (Node child : loop.getChildren()) {
            if (!inElse && child instanceof TagNode tag && "else".equals(tag.getName())) {
                inElse = true;
            } else if (inElse) {
                otherwise.add(child);
            } else {
                body.add(child);
            }
        }
        if (!inElse) {
            return Pair.of(loop, List.of());
        }
        TagNode bodyOnly = new TagNode(loop.getTag(), (TagToken) loop.getMaster(), loop.getSymbols());
        bodyOnly.setChildren(body);
        return Pair.of(bodyOnly, otherwise);
    }
}
