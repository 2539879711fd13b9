package io.octoflow.template;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * How Python prints a value: {@code str()} and {@code repr()} of the data a flow holds (null, booleans, numbers,
 * strings, lists, mappings). The spooler renders templates, switch values, set_fact results and error details
 * with Python's printing, and users' flows match on that text ({@code None}, {@code True}, {@code ['a', 'b']},
 * {@code {'k': 'v'}}, {@code 1.0}).
 */
public final class PythonText {

    private PythonText() {
    }

    /** Python's {@code str(value)}: strings as they are, everything else as {@link #repr}. */
    public static String str(Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof PythonDate date) {
            return date.toString();
        }
        return repr(value);
    }

    /** Python's {@code repr(value)}: strings quoted, containers with their items' repr. */
    public static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        repr(value, out);
        return out.toString();
    }

    private static void repr(Object value, StringBuilder out) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (value instanceof CharSequence || value instanceof Character) {
            quote(value.toString(), out);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(floatRepr(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal decimal) {
            out.append(floatRepr(decimal.doubleValue()));
        } else if (value instanceof Number number) {
            out.append(number);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                repr(entry.getKey(), out);
                out.append(": ");
                repr(entry.getValue(), out);
                if (entries.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else if (value instanceof PythonDate date) {
            out.append(date.repr());
        } else if (value instanceof PythonTuple tuple) {
            out.append('(');
            Iterator<?> items = tuple.iterator();
            while (items.hasNext()) {
                repr(items.next(), out);
                if (items.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(tuple.size() == 1 ? ",)" : ")");
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            Iterator<?> items = list.iterator();
            while (items.hasNext()) {
                repr(items.next(), out);
                if (items.hasNext()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (value instanceof Object[] array) {
            repr(java.util.Arrays.asList(array), out);
        } else {
            out.append(value);
        }
    }

    /**
     * Python's float repr: the shortest text that reads back the same, fixed notation for exponents from -4 to 15,
     * otherwise {@code 1e+16} style; always a decimal point or an exponent ({@code 1.0}).
     */
    public static String floatRepr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // position of the first digit, as in d.ddd x 10^exponent
        String sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.valueOf(Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (exp.length() < 2 ? "0" + exp : exp);
    }

    private static void quote(String text, StringBuilder out) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == quote || c == '\\') {
                out.append('\\').append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append(quote);
    }
}
