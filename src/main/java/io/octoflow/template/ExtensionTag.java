package io.octoflow.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.TagNode;

/**
 * A tag that Jinjava knows but Jinja2 only has as an extension ({@code do}, {@code break}, {@code continue}): using
 * it is the error Jinja2 gives, "unknown tag".
 */
final class ExtensionTag implements Tag {

    private static final long serialVersionUID = 1L;

    private final String name;

    ExtensionTag(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getEndTagName() {
        return null;
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        throw new TemplateSyntaxException(interpreter, tagNode.getMaster().getImage(), "unknown tag '" + name
                + "' (an extension Jinja2 does not enable by default)");
    }
}
