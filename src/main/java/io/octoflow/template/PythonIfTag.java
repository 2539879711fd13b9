package io.octoflow.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.tree.TagNode;

/** Jinjava's if tag with Python's truth: any non-empty string is true, even {@code 'False'}. */
final class PythonIfTag extends IfTag {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
        return PythonTypeConverter.truthy(interpreter.resolveELExpression(tagNode.getHelpers(),
                tagNode.getLineNumber(), tagNode.getStartPosition()));
    }
}
