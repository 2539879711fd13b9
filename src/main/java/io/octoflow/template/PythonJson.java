package io.octoflow.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * JSON text as Python's {@code json.dumps} writes it (separators {@code ", "} and {@code ": "}, non-ASCII as
 * {@code \\uXXXX}, floats as Python prints them): the file step's JSON and Jinja2's {@code tojson}.
 */
public final class PythonJson {

    private PythonJson() {
    }

    /** {@code json.dumps(value)}: one line, keys in the mapping's order. */
    public static String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, -1, 0, false);
        return out.toString();
    }

    /** Jinja2's {@code tojson}: {@code json.dumps(value, sort_keys=True)} with {@code < > & '} escaped for HTML. */
    static String htmlSafe(Object value, Object indent) {
        StringBuilder out = new StringBuilder();
        int step = indent instanceof Number n ? n.intValue() : -1;
        write(value, out, step, 0, true);
        return out.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("'", "\\u0027");
    }

    private static void write(Object value, StringBuilder out, int step, int depth, boolean sortKeys) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
                    : PythonText.floatRepr(d));
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sortKeys) {
                entries.sort((a, b) -> PythonFilters.compare(a.getKey(), b.getKey()));
            }
            open(out, '{', entries.isEmpty());
            for (int i = 0; i < entries.size(); i++) {
                separate(out, i, step, depth + 1);
                string(PythonText.str(entries.get(i).getKey()), out);
                out.append(": ");
                write(entries.get(i).getValue(), out, step, depth + 1, sortKeys);
            }
            close(out, '}', entries.isEmpty(), step, depth);
        } else if (value instanceof Collection<?> list) {
            open(out, '[', list.isEmpty());
            int i = 0;
            for (Object item : list) {
                separate(out, i++, step, depth + 1);
                write(item, out, step, depth + 1, sortKeys);
            }
            close(out, ']', list.isEmpty(), step, depth);
        } else {
            string(PythonText.str(value), out);
        }
    }

    private static void open(StringBuilder out, char bracket, boolean empty) {
        out.append(bracket);
    }

    private static void separate(StringBuilder out, int index, int step, int depth) {
        if (index > 0) {
            out.append(step >= 0 ? "," : ", ");
        }
        if (step >= 0) {
            out.append('\n').append(" ".repeat(step * depth));
        }
    }

    private static void close(StringBuilder out, char bracket, boolean empty, int step, int depth) {
        if (step >= 0 && !empty) {
            out.append('\n').append(" ".repeat(step * depth));
        }
        out.append(bracket);
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
