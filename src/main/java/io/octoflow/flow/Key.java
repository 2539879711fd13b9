package io.octoflow.flow;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One key of the flow format, declared as data: the validator checks values against it and the JSON Schema is
 * generated from it, so the two can never disagree.
 *
 * <p>A key may declare {@link #keys()} of its own: those of a mapping ({@link Kind#MAPPING}), of every item of a
 * list of mappings ({@link Kind#MAPPING_LIST}: {@code switch.cases}) or of every value of a mapping of names to
 * mappings ({@link Kind#MAPPING_MAP}: {@code k8s_job.env_secrets}). Nested blocks are then checked by the same
 * recursion as a step's block, each problem at its own line, and described fully by the schema.
 *
 * @param mismatch how a value that does not fit is reported
 * @param keys the keys of a nested block (empty: its keys are not declared)
 * @param unknown how a key the nested block does not declare is reported: a warning, as everywhere (the spooler
 *                ignores keys it does not read), or an error for blocks where a misspelt key would silently drop a
 *                credential or a limit ({@link #strict()})
 * @param minimum the smallest value of a numeric key ({@link Kind#INTEGER}, {@link Kind#NUMBER}); null: 0
 * @param maximum the largest value of a numeric key; null: {@link #MAX_SECONDS}
 */
public record Key(String name, Kind kind, boolean required, Object defaultValue, List<String> allowed,
        String description, Problem.Severity mismatch, List<Key> keys, Problem.Severity unknown, Long minimum,
        Long maximum) {

    /**
     * The largest number a numeric key takes unless it declares its own range: 100 years in seconds, the bound of
     * the REST API's counts of seconds too. Every numeric key of the format is a count of seconds or of things;
     * larger values overflowed (issue 18 #16: a {@code timeout_seconds} of 2^63-1 left a run that could be neither
     * ended nor aborted, a too-large {@code every_seconds} was silently dropped).
     */
    public static final long MAX_SECONDS = 100L * 366 * 24 * 3600;

    public Key {
        if ((minimum != null || maximum != null) && kind != Kind.INTEGER && kind != Kind.NUMBER) {
            throw new IllegalArgumentException("key '" + name + "' of kind " + kind + " has no numeric range");
        }
    }

    /** A key whose value, when it does not fit, makes the flow invalid. */
    public Key(String name, Kind kind, boolean required, Object defaultValue, List<String> allowed,
            String description) {
        this(name, kind, required, defaultValue, allowed, description, Problem.Severity.ERROR, List.of(),
                Problem.Severity.WARNING, null, null);
    }

    /** A key with the default numeric range. */
    public Key(String name, Kind kind, boolean required, Object defaultValue, List<String> allowed,
            String description, Problem.Severity mismatch, List<Key> keys, Problem.Severity unknown) {
        this(name, kind, required, defaultValue, allowed, description, mismatch, keys, unknown, null, null);
    }

    /** The same numeric key, with the values it takes: {@code from} to {@code to}, both included. */
    public Key range(long from, long to) {
        if (from > to) {
            throw new IllegalArgumentException("key '" + name + "': empty range " + from + " to " + to);
        }
        return new Key(name, kind, required, defaultValue, allowed, description, mismatch, keys, unknown, from, to);
    }

    /** The smallest value of a numeric key (0 unless it declares its own); null for other kinds. */
    public Long lowest() {
        return numeric() ? (minimum != null ? minimum : 0L) : null;
    }

    /** The largest value of a numeric key ({@link #MAX_SECONDS} unless it declares its own); null for others. */
    public Long highest() {
        return numeric() ? (maximum != null ? maximum : MAX_SECONDS) : null;
    }

    private boolean numeric() {
        return kind == Kind.INTEGER || kind == Kind.NUMBER;
    }

    /**
     * The same key, with a value that does not fit reported as a warning: for values the spooler accepts (or only
     * fails on when the step runs), which the step type then handles itself.
     */
    public Key lenient() {
        return new Key(name, kind, required, defaultValue, allowed, description, Problem.Severity.WARNING, keys,
                unknown, minimum, maximum);
    }

    /** The same key, with the keys of its nested block (see the class comment). */
    public Key with(Key... nested) {
        if (kind != Kind.MAPPING && kind != Kind.MAPPING_LIST && kind != Kind.MAPPING_MAP) {
            throw new IllegalArgumentException("key '" + name + "' of kind " + kind + " has no nested block");
        }
        return new Key(name, kind, required, defaultValue, allowed, description, mismatch, List.of(nested),
                unknown, minimum, maximum);
    }

    /** The same key, with a key its nested block does not declare reported as an error. */
    public Key strict() {
        return new Key(name, kind, required, defaultValue, allowed, description, mismatch, keys,
                Problem.Severity.ERROR, minimum, maximum);
    }

    public boolean nested() {
        return !keys.isEmpty();
    }

    public enum Kind {
        STRING("a string"),
        INTEGER("a whole number"),
        NUMBER("a number"),
        BOOLEAN("true or false"),
        MAPPING("a mapping"),
        MAPPING_OR_NOTHING("a mapping (or nothing)"),
        STRING_MAPPING("a mapping of names to values"),
        STRING_LIST("a string or a list of strings"),
        SCALAR_LIST("a value (string, number, true/false) or a list of them"),
        LIST("a list"),
        MAPPING_LIST("a list of mappings"),
        MAPPING_MAP("a mapping of names to mappings"),
        /** A step written inside another one (a switch case), read with the keys of a nested step. */
        STEP("a step (a mapping with name and type)"),
        ANY("any value");

        private final String expected;

        Kind(String expected) {
            this.expected = expected;
        }

        public String expected() {
            return expected;
        }
    }

    public static Key required(String name, Kind kind, String description) {
        return new Key(name, kind, true, null, List.of(), description);
    }

    public static Key optional(String name, Kind kind, String description) {
        return new Key(name, kind, false, null, List.of(), description);
    }

    public static Key optional(String name, Kind kind, Object defaultValue, String description) {
        return new Key(name, kind, false, defaultValue, List.of(), description);
    }

    public static Key oneOf(String name, String defaultValue, List<String> allowed, String description) {
        return new Key(name, Kind.STRING, false, defaultValue, List.copyOf(allowed), description);
    }

    /** What a nested mapping of this key must be: "a mapping with type, secret..." (its required keys first). */
    String nestedExpected() {
        return "a mapping with " + keys.stream().sorted((a, b) -> Boolean.compare(b.required, a.required))
                .map(Key::name).collect(Collectors.joining(", "));
    }

    /** Checks the shape of a value; returns what was expected, or null when the value fits. */
    public String check(YNode value) {
        boolean fits = switch (kind) {
            case STRING -> value.isString();
            case INTEGER -> value.scalar() instanceof Long || value.scalar() instanceof java.math.BigInteger;
            case NUMBER -> value.scalar() instanceof Number;
            case BOOLEAN -> value.scalar() instanceof Boolean;
            case MAPPING, MAPPING_MAP, STEP -> value.isMapping();
            case MAPPING_OR_NOTHING -> value.isMapping() || value.isNull();
            case STRING_MAPPING -> value.isMapping()
                    && value.entries().values().stream().allMatch(v -> v.isScalar());
            case STRING_LIST -> value.isString()
                    || value.isSequence() && value.items().stream().allMatch(YNode::isString);
            case SCALAR_LIST -> isValue(value) || value.isSequence() && value.items().stream().allMatch(Key::isValue);
            case LIST, MAPPING_LIST -> value.isSequence();
            case ANY -> true;
        };
        if (!fits) {
            return kind.expected();
        }
        if (numeric() && !inRange((Number) value.scalar())) {
            String number = kind == Kind.INTEGER ? "whole number" : "number";
            return lowest() == 1 ? "a positive " + number + " up to " + highest()
                    : "a " + number + " from " + lowest() + " to " + highest();
        }
        if (!allowed.isEmpty() && !allowed.contains(value.text())) {
            return "one of " + String.join(", ", allowed);
        }
        return null;
    }

    /** Compared exactly: a YAML number may be a BigInteger, or a double that is infinite or not a number. */
    private boolean inRange(Number number) {
        BigDecimal exact;
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (!Double.isFinite(d)) {
                return false;
            }
            exact = BigDecimal.valueOf(d);
        } else if (number instanceof java.math.BigInteger big) {
            exact = new BigDecimal(big);
        } else if (number instanceof BigDecimal decimal) {
            exact = decimal;
        } else {
            exact = BigDecimal.valueOf(number.longValue());
        }
        return exact.compareTo(BigDecimal.valueOf(lowest())) >= 0 && exact.compareTo(BigDecimal.valueOf(highest())) <= 0;
    }

    private static boolean isValue(YNode node) {
        return node.isScalar() && node.scalar() != null;
    }
}
