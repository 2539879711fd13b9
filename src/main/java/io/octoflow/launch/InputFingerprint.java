package io.octoflow.launch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * A 64-bit fingerprint of a run's input content (maps in their order, lists, strings, numbers, booleans, nulls): the
 * recorder takes one when a run starts and one when it ends, to tell whether a step changed the input in place
 * before it stores the input once for both the input column and the data's {@code __input__} ({@link
 * io.octoflow.history.ExecutionData}). Much cheaper than serializing the input again: no copy, no text, and a
 * string's hash is computed once per string and cached by the JDK.
 */
final class InputFingerprint {

    /** A value holding something else than JSON-like content (a byte array, a bean...): not fingerprinted. */
    static final long UNKNOWN = 0;

    private static final long MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

    private InputFingerprint() {
    }

    /** The fingerprint of {@code value}, or {@link #UNKNOWN}. */
    static long of(Object value) {
        return walk(value, 1);
    }

    /** {@link #UNKNOWN} only when a part is not JSON-like content: {@link #mix} never returns it. */
    private static long walk(Object value, long h) {
        if (value == null) {
            return mix(h, 0x6E756C6CL);
        }
        if (value instanceof String s) {
            return mix(mix(h, 's'), (long) s.hashCode() << 32 ^ s.length());
        }
        if (value instanceof Map<?, ?> map) {
            long m = mix(mix(h, '{'), map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return UNKNOWN;
                }
                m = walk(key, m);
                m = walk(e.getValue(), m);
                if (m == UNKNOWN) {
                    return UNKNOWN;
                }
            }
            return mix(m, '}');
        }
        if (value instanceof Collection<?> list) {
            long l = mix(mix(h, '['), list.size());
            for (Object item : list) {
                l = walk(item, l);
                if (l == UNKNOWN) {
                    return UNKNOWN;
                }
            }
            return mix(l, ']');
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Double
                || value instanceof Float || value instanceof Short || value instanceof Byte
                || value instanceof BigDecimal || value instanceof BigInteger) {
            // immutable: its hash is its content; the class tells 1 from 1.0 and "1"
            return mix(mix(h, value.getClass().getName().hashCode()), value.hashCode());
        }
        return UNKNOWN;
    }

    private static long mix(long h, long x) {
        long m = (h ^ x) * MULTIPLIER;
        m = Long.rotateLeft(m, 29) * MULTIPLIER;
        return m == UNKNOWN ? 1 : m;
    }
}
