package io.octoflow.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/** Jinja2's {@code {% filter upper %}...{% endfilter %}}: the block's text passed through the filters. */
final class FilterBlockTag implements Tag {

    private static final long serialVersionUID = 1L;
    private static final String BODY = "__octoflow_filter_body__";

    @Override
    public String getName() {
        return "filter";
    }

    @Override
    public String getEndTagName() {
        return "endfilter";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        StringBuilder body = new StringBuilder();
        for (Node child : tagNode.getChildren()) {
            body.append(child.render(interpreter).getValue());
        }
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            interpreter.getContext().put(BODY, body.toString());
            Object result = interpreter.resolveELExpression(BODY + " | " + tagNode.getHelpers().trim(),
                    tagNode.getLineNumber());
            return PythonInterpreter.text(result);
        }
    }
}
