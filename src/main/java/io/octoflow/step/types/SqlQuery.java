package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A query of the {@code sql} step with its {@code :name} parameters replaced by JDBC's {@code ?}, and the name bound
 * at each position. The text is scanned the way PostgreSQL and H2 read it, so that only real parameters are
 * replaced: nothing inside {@code '...'} strings (also {@code E'...'} with backslash escapes), {@code "quoted"}
 * identifiers, {@code $$...$$} or {@code $tag$...$tag$} bodies, {@code --} and (nested) {@code /* *}{@code /}
 * comments; {@code ::type} casts, {@code :=} and array slices {@code [1:2]} are left alone. A bare {@code ?} is
 * refused (values are bound by name only); {@code ??} passes through (PostgreSQL's JDBC form of its {@code ?}
 * jsonb operator).
 */
record SqlQuery(String jdbc, List<String> positions, String problem) {

    /** The distinct parameter names, in the order they first appear. */
    Set<String> names() {
        return new LinkedHashSet<>(positions);
    }

    static SqlQuery parse(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        List<String> positions = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            int end;
            if (c == '\'') {
                boolean backslashes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentifierPart(sql.charAt(i - 2)));
                end = quoted(sql, i, '\'', backslashes);
                if (end < 0) {
                    return failed("a string opened at offset " + i + " is not closed");
                }
            } else if (c == '"') {
                end = quoted(sql, i, '"', false);
                if (end < 0) {
                    return failed("a quoted identifier opened at offset " + i + " is not closed");
                }
            } else if (c == '-' && next == '-') {
                int newline = sql.indexOf('\n', i);
                end = newline < 0 ? n : newline;
            } else if (c == '/' && next == '*') {
                end = blockComment(sql, i);
                if (end < 0) {
                    return failed("a /* comment opened at offset " + i + " is not closed");
                }
            } else if (c == '$' && (i == 0 || !isIdentifierPart(sql.charAt(i - 1))) && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                if (close < 0) {
                    return failed("a " + tag + " quoted body opened at offset " + i + " is not closed");
                }
                end = close + tag.length();
            } else if (c == ':' && next == ':') {
                end = i + 2; // a cast: value::type
            } else if (c == ':' && isIdentifierStart(next) && (i == 0 || sql.charAt(i - 1) != ':')) {
                int start = i + 1;
                end = start;
                while (end < n && isIdentifierPart(sql.charAt(end))) {
                    end++;
                }
                positions.add(sql.substring(start, end));
                out.append('?');
                i = end;
                continue;
            } else if (c == '?' && next == '?') {
                end = i + 2;
            } else if (c == '?') {
                return failed("a '?' at offset " + i + ": parameters are written :name (bound from 'parameters')");
            } else {
                end = i + 1;
            }
            out.append(sql, i, end);
            i = end;
        }
        return new SqlQuery(out.toString(), List.copyOf(positions), null);
    }

    private static SqlQuery failed(String problem) {
        return new SqlQuery(null, List.of(), problem);
    }

    /** The end (exclusive) of a quoted run starting at {@code start}, or -1; a doubled quote stays inside. */
    private static int quoted(String sql, int start, char quote, boolean backslashes) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    /** PostgreSQL's block comments nest. */
    private static int blockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /** {@code $$} or {@code $tag$} at {@code start}, or null ({@code $1} is not a tag). */
    private static String dollarTag(String sql, int start) {
        int i = start + 1;
        if (i < sql.length() && sql.charAt(i) == '$') {
            return "$$";
        }
        if (i >= sql.length() || !isIdentifierStart(sql.charAt(i))) {
            return null;
        }
        while (i < sql.length() && isIdentifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? sql.substring(start, i + 1) : null;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
