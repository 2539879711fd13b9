package io.octoflow.template;

import java.util.regex.Pattern;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;

/**
 * Jinjava filters that treat their input as template source, replaced by Jinja2's: data must never be rendered
 * (an upstream answer holding {@code {{ }}} would read other run data). {@code striptags} is markupsafe's (Jinjava
 * renders the text first; entities are unescaped with the jsoup Jinjava bundles); {@code render} does not exist in
 * Jinja2.
 */
final class SafeFilters {

    private static final Pattern COMMENTS = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern TAGS = Pattern.compile("<.*?>", Pattern.DOTALL);

    private SafeFilters() {
    }

    static void register(Context context) {
        context.registerFilter(new Filter() {
            @Override
            public String getName() {
                return "striptags";
            }

            @Override
            public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
                return striptags(value);
            }
        });
        context.registerFilter(new Filter() {
            @Override
            public String getName() {
                return "render";
            }

            @Override
            public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
                throw new PythonSyntax.UndefinedError("No filter named 'render'");
            }
        });
    }

    /** markupsafe's {@code Markup(str(value)).striptags()}: comments and tags out, whitespace runs to one space, entities unescaped. */
    static String striptags(Object value) {
        String text = value instanceof SafeString safe ? safe.toString() : PythonInterpreter.text(value);
        text = TAGS.matcher(COMMENTS.matcher(text).replaceAll("")).replaceAll("");
        return jinjava.org.jsoup.parser.Parser.unescapeEntities(joinWords(text), false);
    }

    /** Python's {@code " ".join(text.split())}. */
    private static String joinWords(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
