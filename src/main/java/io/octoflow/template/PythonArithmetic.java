package io.octoflow.template;

import java.math.BigInteger;

/**
 * Python's arithmetic on numbers where Java's differs: integers never overflow ({@code 2 ** 64},
 * {@code 9223372036854775807 + 1}), {@code %} takes the sign of the divisor ({@code -7 % 3 == 2}) and a negative
 * integer power is a float ({@code 2 ** -1 == 0.5}).
 */
final class PythonArithmetic {

    /** Beyond this many bits a power is refused rather than computed (Python would try, and hold the CPU). */
    private static final long MAX_POWER_BITS = 1 << 20;

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private PythonArithmetic() {
    }

    static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger;
    }

    static boolean isNumber(Object value) {
        return value instanceof Number && !(value instanceof java.math.BigDecimal);
    }

    static Number add(Number a, Number b) {
        return narrow(big(a).add(big(b)));
    }

    static Number subtract(Number a, Number b) {
        return narrow(big(a).subtract(big(b)));
    }

    static Number multiply(Number a, Number b) {
        return narrow(big(a).multiply(big(b)));
    }

    /** Python's {@code a % b}: the result has the sign of {@code b}. */
    static Number modulo(Number a, Number b) {
        if (isInteger(a) && isInteger(b)) {
            BigInteger divisor = big(b);
            if (divisor.signum() == 0) {
                throw new ArithmeticException("integer division or modulo by zero");
            }
            BigInteger r = big(a).mod(divisor.abs());
            return narrow(divisor.signum() < 0 && r.signum() != 0 ? r.add(divisor) : r);
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        if (y == 0) {
            throw new ArithmeticException("float modulo");
        }
        double r = x % y;
        if (r != 0 && (r < 0) != (y < 0)) {
            r += y;
        }
        return r == 0 ? Math.copySign(0.0, y) : r;
    }

    /** Python's {@code a ** b}. */
    static Number power(Number a, Number b) {
        if (isInteger(a) && isInteger(b) && big(b).signum() >= 0) {
            BigInteger base = big(a);
            BigInteger exponent = big(b);
            if (base.abs().compareTo(BigInteger.ONE) <= 0) {
                // 0, 1 and -1 to any power, however large
                return narrow(exponent.signum() == 0 ? BigInteger.ONE
                        : base.signum() >= 0 || exponent.testBit(0) ? base : BigInteger.ONE);
            }
            if (exponent.bitLength() > 31 || (long) base.bitLength() * exponent.longValue() > MAX_POWER_BITS) {
                throw new ArithmeticException("integer power too large: " + a + " ** " + b);
            }
            return narrow(base.pow(exponent.intValue()));
        }
        if (a.doubleValue() == 0 && b.doubleValue() < 0) {
            throw new ArithmeticException("0.0 cannot be raised to a negative power");
        }
        return Math.pow(a.doubleValue(), b.doubleValue());
    }

    private static BigInteger big(Number n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
    }

    /** A long when it fits (what Jinjava's other operators expect), else the BigInteger. */
    static Number narrow(BigInteger value) {
        return value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0 ? (Number) value.longValue() : value;
    }
}
