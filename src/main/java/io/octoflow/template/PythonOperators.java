package io.octoflow.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.OrOperator;
import com.hubspot.jinjava.el.ext.PowerOfOperator;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Binary operators with Python's meaning where Jinja2 templates rely on it and Jinjava's EL differs:
 * {@code 'x' * 3}, {@code [1] * 3}, {@code '%05d' % 42}, {@code l + ['c']}, {@code '1' == 1} (false), and
 * {@code and}/{@code or} giving one of their operands, and Python's integer arithmetic ({@link PythonArithmetic}).
 * Everything else stays Jinjava's.
 */
final class PythonOperators {

    private PythonOperators() {
    }

    /** The Python operator to use instead of Jinjava's, or Jinjava's own. */
    static AstBinary.Operator replace(AstBinary.Operator operator) {
        if (operator == AstBinary.MUL) {
            return MUL;
        }
        if (operator == AstBinary.MOD) {
            return MOD;
        }
        if (operator == AdditionOperator.OP || operator == AstBinary.ADD) {
            return ADD;
        }
        if (operator == AstBinary.DIV) {
            return DIV;
        }
        if (operator == AstBinary.SUB) {
            return SUB;
        }
        if (operator == AstBinary.EQ) {
            return EQ;
        }
        if (operator == AstBinary.NE) {
            return NE;
        }
        if (operator == AstBinary.AND) {
            return AND;
        }
        if (operator == AstBinary.OR || operator == OrOperator.OP) {
            return OR;
        }
        return operator;
    }

    static final AstBinary.Operator MUL = new BothSides("*") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (isInteger(b) && (a instanceof String || a instanceof Collection)) {
                return repeat(a, ((Number) b).intValue());
            }
            if (isInteger(a) && (b instanceof String || b instanceof Collection)) {
                return repeat(b, ((Number) a).intValue());
            }
            if (isInteger(a) && isInteger(b)) {
                return PythonArithmetic.multiply((Number) a, (Number) b);
            }
            return AstBinary.MUL.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator MOD = new BothSides("%") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (a instanceof String format) {
                return percentFormat(format, b);
            }
            if (PythonArithmetic.isNumber(a) && PythonArithmetic.isNumber(b)) {
                return PythonArithmetic.modulo((Number) a, (Number) b);
            }
            return AstBinary.MOD.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator DIV = new BothSides("/") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (b instanceof Number n && n.doubleValue() == 0 && a instanceof Number) {
                throw new ArithmeticException("division by zero");
            }
            return AstBinary.DIV.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator ADD = new BothSides("+") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
                List<Object> sum = new ArrayList<>(x);
                sum.addAll(y);
                return sum;
            }
            if (a instanceof String x && b instanceof String y) {
                return x + y;
            }
            if (a instanceof String || b instanceof String) {
                throw new IllegalArgumentException("can only concatenate str (not \"" + typeName(a instanceof String ? b : a)
                        + "\") to str");
            }
            if (isInteger(a) && isInteger(b)) {
                return PythonArithmetic.add((Number) a, (Number) b);
            }
            return AdditionOperator.OP.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator SUB = new BothSides("-") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (isInteger(a) && isInteger(b)) {
                return PythonArithmetic.subtract((Number) a, (Number) b);
            }
            return AstBinary.SUB.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator POW = new BothSides("**") {
        @Override
        Object apply(Object a, Object b, Bindings bindings, ELContext context) {
            if (PythonArithmetic.isNumber(a) && PythonArithmetic.isNumber(b)) {
                return PythonArithmetic.power((Number) a, (Number) b);
            }
            return PowerOfOperator.OP.eval(bindings, context, literal(a), literal(b));
        }
    };

    static final AstBinary.Operator EQ = new Named("==") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return equal(left.eval(bindings, context), right.eval(bindings, context));
        }
    };

    static final AstBinary.Operator NE = new Named("!=") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return !equal(left.eval(bindings, context), right.eval(bindings, context));
        }
    };

    static final AstBinary.Operator AND = new Named("and") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return PythonTypeConverter.truthy(a) ? right.eval(bindings, context) : a;
        }
    };

    static final AstBinary.Operator OR = new Named("or") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return PythonTypeConverter.truthy(a) ? a : right.eval(bindings, context);
        }
    };

    /** Python's {@code ==}: numbers by value, no conversion between text and numbers, containers item by item. */
    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof Number || b instanceof Number) {
            if (a instanceof Boolean || b instanceof Boolean) {
                return number(a) != null && number(b) != null && equal(number(a), number(b));
            }
            return false;
        }
        if (a instanceof CharSequence x && b instanceof CharSequence y) {
            return x.toString().equals(y.toString());
        }
        if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!equal(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static Number number(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return value instanceof Number n ? n : null;
    }

    private static boolean isInteger(Object value) {
        return PythonArithmetic.isInteger(value);
    }

    private static Object repeat(Object value, int times) {
        if (value instanceof String text) {
            return times <= 0 ? "" : text.repeat(times);
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.addAll((Collection<?>) value);
        }
        return out;
    }

    private static final Pattern SPEC = Pattern.compile("%(?:\\((\\w+)\\))?([-+ 0#]*)(\\d+|\\*)?(?:\\.(\\d+))?([diouxXeEfFgGcrsa%])");

    /** Python's printf-style {@code format % values}. */
    static String percentFormat(String format, Object values) {
        List<?> args = values instanceof List<?> list ? list : java.util.Collections.singletonList(values);
        Map<?, ?> named = values instanceof Map<?, ?> map ? map : null;
        StringBuilder out = new StringBuilder();
        Matcher m = SPEC.matcher(format);
        int next = 0;
        int last = 0;
        while (m.find()) {
            out.append(format, last, m.start());
            last = m.end();
            char conversion = m.group(5).charAt(0);
            if (conversion == '%') {
                out.append('%');
                continue;
            }
            Object arg;
            if (m.group(1) != null && named != null) {
                arg = named.get(m.group(1));
            } else {
                if (next >= args.size()) {
                    throw new IllegalArgumentException("not enough arguments for format string");
                }
                arg = args.get(next++);
            }
            String flags = m.group(2).replace("#", "");
            String width = m.group(3) == null ? "" : m.group(3);
            String precision = m.group(4) == null ? "" : "." + m.group(4);
            out.append(switch (conversion) {
                case 'd', 'i', 'u' -> String.format("%" + flags + width + "d", toInteger(arg));
                case 'o', 'x', 'X' -> String.format("%" + flags + width + conversion, toInteger(arg));
                // f and e from the exact binary value, as Python: '%.2f' % 2.675 is 2.67 (Java's Formatter gives 2.68)
                case 'e', 'E', 'f', 'F' -> PythonFormatSpec.apply(toDouble(arg), (flags.contains("-") ? "<" : "")
                        + (flags.contains("+") ? "+" : flags.contains(" ") ? " " : "")
                        + (flags.contains("0") && !flags.contains("-") ? "0" : "") + width
                        + (precision.isEmpty() ? ".6" : precision) + conversion);
                case 'g', 'G' -> String.format("%" + flags + width + (precision.isEmpty() ? ".6" : precision)
                        + Character.toString(conversion == 'F' ? 'f' : conversion), toDouble(arg));
                case 'r', 'a' -> pad(PythonText.repr(arg), flags, width, precision);
                case 'c' -> pad(arg instanceof Number n ? Character.toString(n.intValue()) : String.valueOf(arg), flags, width, "");
                default -> pad(PythonText.str(arg), flags, width, precision);
            });
        }
        out.append(format.substring(last));
        if (named == null && next < args.size()) {
            throw new IllegalArgumentException("not all arguments converted during string formatting");
        }
        return out.toString();
    }

    private static String pad(String text, String flags, String width, String precision) {
        if (!precision.isEmpty()) {
            int p = Integer.parseInt(precision.substring(1));
            text = text.length() > p ? text.substring(0, p) : text;
        }
        if (width.isEmpty()) {
            return text;
        }
        return String.format("%" + (flags.contains("-") ? "-" : "") + width + "s", text);
    }

    private static Object toInteger(Object arg) {
        if (arg instanceof Double || arg instanceof Float || arg instanceof BigDecimal) {
            return new BigDecimal(arg.toString()).toBigInteger();
        }
        if (arg instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (arg instanceof Number) {
            return arg;
        }
        throw new IllegalArgumentException("%d format: a number is required, not " + typeName(arg));
    }

    private static Object toDouble(Object arg) {
        if (arg instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("must be real number, not " + typeName(arg));
    }

    static String typeName(Object value) {
        if (value == null) {
            return "NoneType";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return "int";
        }
        if (value instanceof Number) {
            return "float";
        }
        if (value instanceof CharSequence) {
            return "str";
        }
        if (value instanceof Map) {
            return "dict";
        }
        if (value instanceof Collection) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }

    /** An already evaluated operand handed to Jinjava's own operator. */
    private static AstNode literal(Object value) {
        return new EvaluatedValue(value);
    }

    private abstract static class Named implements AstBinary.Operator {
        private final String symbol;

        Named(String symbol) {
            this.symbol = symbol;
        }

        @Override
        public String toString() {
            return symbol;
        }
    }

    /** An operator of two values that evaluates both sides first (not {@code and}/{@code or}, which short-circuit). */
    private abstract static class BothSides extends Named {
        BothSides(String symbol) {
            super(symbol);
        }

        @Override
        public final Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return apply(left.eval(bindings, context), right.eval(bindings, context), bindings, context);
        }

        abstract Object apply(Object a, Object b, Bindings bindings, ELContext context);
    }
}
