package io.octoflow.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's format mini-language for {@code str.format} fields: {@code [[fill]align][sign][0][width][,][.precision][type]}
 * with the types s, d, f, F, e, E, %, x, X, o, b ({@code '{:>4}'.format('a')}, {@code '{:.2f}'.format(1.005)}).
 * Floats are rounded from their exact binary value, as Python does ({@code 1.005} gives {@code 1.00}).
 */
final class PythonFormatSpec {

    private static final Pattern SPEC = Pattern.compile(
            "^(?:(.)?([<>=^]))?([-+ ])?(0)?(\\d+)?([,_])?(?:\\.(\\d+))?([sdfFeE%xXob])?$");

    private PythonFormatSpec() {
    }

    static String apply(Object value, String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid format specifier '" + spec + "'");
        }
        boolean number = value instanceof Number && !(value instanceof Boolean);
        char fill = m.group(1) != null ? m.group(1).charAt(0) : m.group(4) != null ? '0' : ' ';
        char align = m.group(2) != null ? m.group(2).charAt(0) : m.group(4) != null && number ? '=' : number ? '>' : '<';
        String sign = m.group(3) == null ? "-" : m.group(3);
        int width = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        String grouping = m.group(6);
        Integer precision = m.group(7) == null ? null : Integer.parseInt(m.group(7));
        char type = m.group(8) == null ? (number ? 'n' : 's') : m.group(8).charAt(0);
        String body;
        boolean negative = false;
        if (type == 's' || !number) {
            if (type != 's') {
                throw new IllegalArgumentException("Unknown format code '" + type + "' for object of type '"
                        + PythonOperators.typeName(value) + "'");
            }
            body = PythonText.str(value);
            if (precision != null && body.length() > precision) {
                body = body.substring(0, precision);
            }
        } else {
            BigDecimal exact = value instanceof Double || value instanceof Float
                    ? new BigDecimal(((Number) value).doubleValue()) : new BigDecimal(value.toString());
            negative = exact.signum() < 0;
            exact = exact.abs();
            body = switch (type) {
                case 'f', 'F' -> exact.setScale(precision == null ? 6 : precision, RoundingMode.HALF_EVEN).toPlainString();
                case '%' -> exact.movePointRight(2).setScale(precision == null ? 6 : precision, RoundingMode.HALF_EVEN)
                        .toPlainString() + "%";
                case 'e', 'E' -> scientific(exact, precision == null ? 6 : precision, type == 'E');
                case 'd' -> integer(exact, value, 10);
                case 'x' -> integer(exact, value, 16);
                case 'X' -> integer(exact, value, 16).toUpperCase();
                case 'o' -> integer(exact, value, 8);
                case 'b' -> integer(exact, value, 2);
                default -> precision == null ? PythonText.str(value).replace("-", "")
                        : exact.round(new java.math.MathContext(Math.max(precision, 1), RoundingMode.HALF_EVEN))
                                .stripTrailingZeros().toPlainString();
            };
            if (grouping != null) {
                body = group(body, grouping.charAt(0));
            }
        }
        String prefix = number ? (negative ? "-" : sign.equals("-") ? "" : sign) : "";
        int pad = width - prefix.length() - body.length();
        if (pad <= 0) {
            return prefix + body;
        }
        String fills = String.valueOf(fill).repeat(pad);
        return switch (align) {
            case '<' -> prefix + body + fills;
            case '^' -> String.valueOf(fill).repeat(pad / 2) + prefix + body + String.valueOf(fill).repeat(pad - pad / 2);
            case '=' -> prefix + fills + body;
            default -> fills + prefix + body;
        };
    }

    private static String integer(BigDecimal exact, Object value, int radix) {
        if (value instanceof Double || value instanceof Float) {
            throw new IllegalArgumentException("Unknown format code for object of type 'float'");
        }
        return new BigInteger(exact.toPlainString()).toString(radix);
    }

    private static String scientific(BigDecimal exact, int precision, boolean upper) {
        if (exact.signum() == 0) {
            return "0" + (precision > 0 ? "." + "0".repeat(precision) : "") + (upper ? "E+00" : "e+00");
        }
        int exponent = exact.precision() - exact.scale() - 1;
        BigDecimal mantissa = exact.movePointLeft(exponent).setScale(precision, RoundingMode.HALF_EVEN);
        if (mantissa.compareTo(BigDecimal.TEN) >= 0) {
            exponent++;
            mantissa = exact.movePointLeft(exponent).setScale(precision, RoundingMode.HALF_EVEN);
        }
        String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return mantissa.toPlainString() + (upper ? "E" : "e") + exp;
    }

    private static String group(String digits, char separator) {
        int dot = digits.indexOf('.');
        String whole = dot < 0 ? digits : digits.substring(0, dot);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < whole.length(); i++) {
            if (i > 0 && (whole.length() - i) % 3 == 0) {
                out.append(separator);
            }
            out.append(whole.charAt(i));
        }
        return out + (dot < 0 ? "" : digits.substring(dot));
    }
}
