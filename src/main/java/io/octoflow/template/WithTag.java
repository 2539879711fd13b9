package io.octoflow.template;

import java.util.ArrayList;
import java.util.List;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/** Jinja2's {@code {% with a = 1, b = x %}...{% endwith %}}: names bound only inside the block. */
final class WithTag implements Tag {

    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
        return "with";
    }

    @Override
    public String getEndTagName() {
        return "endwith";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        List<Object[]> bindings = new ArrayList<>();
        for (String assignment : topLevelCommas(tagNode.getHelpers())) {
            if (assignment.isBlank()) {
                continue;
            }
            int eq = assignment.indexOf('=');
            if (eq <= 0 || assignment.charAt(eq + 1) == '=') {
                throw new TemplateSyntaxException(interpreter, tagNode.getHelpers(),
                        "with expects name = value, got: " + assignment);
            }
            String name = assignment.substring(0, eq).trim();
            // values are computed in the outer scope, as Jinja2 does
            bindings.add(new Object[] {name,
                    interpreter.resolveELExpression(assignment.substring(eq + 1).trim(), tagNode.getLineNumber())});
        }
        StringBuilder out = new StringBuilder();
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            bindings.forEach(b -> interpreter.getContext().put((String) b[0], b[1]));
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
        }
        return out.toString();
    }

    private static List<String> topLevelCommas(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
