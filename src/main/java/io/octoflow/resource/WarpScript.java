package io.octoflow.resource;

import java.util.Map;

/**
 * The text a loop POSTs: variables first ({@code '<value>' '<name>' STORE}, one line each), then the user's
 * script. WarpScript URL-decodes its string literals, so percent-encoding is the escape that always works: a
 * quote, a percent sign, a line break or any control character inside a value cannot end the literal early or
 * inject code.
 */
public final class WarpScript {

    private WarpScript() {
    }

    /** {@code variables} in their order (a later key has already replaced an earlier one), then {@code script}. */
    public static String build(Map<String, String> variables, String script) {
        StringBuilder text = new StringBuilder();
        variables.forEach((name, value) -> text.append(literal(value)).append(' ').append(literal(name))
                .append(" STORE\n"));
        return text.append(script).toString();
    }

    /** A WarpScript string literal holding exactly {@code value}. */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        value.codePoints().forEach(c -> {
            if (c == '%' || c == '\'' || c < 0x20 || c == 0x7f) {
                out.append(String.format("%%%02X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
