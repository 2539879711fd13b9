package io.octoflow.flow;

import java.util.List;

/**
 * One key of the flow format, declared as data: the validator checks values against it and the JSON Schema is
 * generated from it, so the two can never disagree.
 */
public record Key(String name, Kind kind, boolean required, Object defaultValue, List<String> allowed,
        String description, Problem.Severity mismatch) {

    /** A key whose value, when it does not fit, makes the flow invalid. */
    public Key(String name, Kind kind, boolean required, Object defaultValue, List<String> allowed,
            String description) {
        this(name, kind, required, defaultValue, allowed, description, Problem.Severity.ERROR);
    }

    /**
     * The same key, with a value that does not fit reported as a warning: for values the spooler accepts (or only
     * fails on when the step runs), which the step type then handles itself.
     */
    public Key lenient() {
        return new Key(name, kind, required, defaultValue, allowed, description, Problem.Severity.WARNING);
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

    /** Checks the shape of a value; returns what was expected, or null when the value fits. */
    public String check(YNode value) {
        boolean fits = switch (kind) {
            case STRING -> value.isString();
            case INTEGER -> value.scalar() instanceof Long || value.scalar() instanceof java.math.BigInteger;
            case NUMBER -> value.scalar() instanceof Number;
            case BOOLEAN -> value.scalar() instanceof Boolean;
            case MAPPING -> value.isMapping();
            case MAPPING_OR_NOTHING -> value.isMapping() || value.isNull();
            case STRING_MAPPING -> value.isMapping()
                    && value.entries().values().stream().allMatch(v -> v.isScalar());
            case STRING_LIST -> value.isString()
                    || value.isSequence() && value.items().stream().allMatch(YNode::isString);
            case SCALAR_LIST -> isValue(value) || value.isSequence() && value.items().stream().allMatch(Key::isValue);
            case LIST -> value.isSequence();
            case ANY -> true;
        };
        if (!fits) {
            return kind.expected();
        }
        if (!allowed.isEmpty() && !allowed.contains(value.text())) {
            return "one of " + String.join(", ", allowed);
        }
        return null;
    }

    private static boolean isValue(YNode node) {
        return node.isScalar() && node.scalar() != null;
    }
}
