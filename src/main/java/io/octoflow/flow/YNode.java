package io.octoflow.flow;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML value that remembers where it was written (1-based line and column), so that every problem found later
 * can point at the exact place in the file. Mappings keep the position of each key too.
 */
public final class YNode {

    public enum Shape { MAPPING, SEQUENCE, SCALAR }

    private final Shape shape;
    private final Object scalar;
    private final Map<String, YNode> entries;
    private final Map<String, YNode> keys;
    private final List<YNode> items;
    private final int line;
    private final int column;

    private YNode(Shape shape, Object scalar, Map<String, YNode> entries, Map<String, YNode> keys, List<YNode> items,
            int line, int column) {
        this.shape = shape;
        this.scalar = scalar;
        this.entries = entries;
        this.keys = keys;
        this.items = items;
        this.line = line;
        this.column = column;
    }

    public static YNode emptyMapping(int line, int column) {
        return new YNode(Shape.MAPPING, null, new LinkedHashMap<>(), new LinkedHashMap<>(), List.of(), line, column);
    }

    public static YNode scalar(Object value, int line, int column) {
        return new YNode(Shape.SCALAR, value, Map.of(), Map.of(), List.of(), line, column);
    }

    /**
     * Parses one YAML document. Duplicate keys are reported through {@code duplicates}, since the composer keeps
     * them silently and the spooler (PyYAML) would keep the last one. The document is first checked against the
     * flow file limits ({@link FlowYaml#check}): over one, a {@link FlowYaml.LimitExceeded} names the place.
     */
    public static Optional<YNode> parse(String text, String label, List<Problem> duplicates) {
        Optional<Node> root = FlowYaml.compose(text);
        int maxDepth = FlowYaml.limits().maxDepth();
        return root.map(node -> convert(node, label, duplicates, 0, maxDepth));
    }

    private static YNode convert(Node node, String label, List<Problem> problems, int depth, int maxDepth) {
        if (depth > maxDepth) {
            // only an alias to a collection that contains it gets here (the event check bounds the rest)
            throw new FlowYaml.LimitExceeded("nested deeper than " + maxDepth + " levels, through an alias to a"
                    + " collection that contains it (setting FLOW_FILE_MAX_DEPTH)", node.getStartMark());
        }
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        int column = node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
        if (node instanceof MappingNode mapping) {
            Map<String, YNode> entries = new LinkedHashMap<>();
            Map<String, YNode> keys = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode)) {
                    Node bad = tuple.getKeyNode();
                    problems.add(new Problem(label, bad.getStartMark().map(m -> m.getLine() + 1).orElse(line),
                            bad.getStartMark().map(m -> m.getColumn() + 1).orElse(column), "a mapping key must be"
                            + " plain text, found a " + (bad instanceof MappingNode ? "mapping" : "list")
                            + " (a value that starts with '{{' must be quoted: \"{{ ... }}\")"));
                    continue;
                }
                YNode key = convert(tuple.getKeyNode(), label, problems, depth + 1, maxDepth);
                String name = String.valueOf(key.scalar);
                if (entries.containsKey(name)) {
                    problems.add(new Problem(label, key.line, key.column, "duplicate key '" + name + "'"));
                }
                keys.put(name, key);
                entries.put(name, convert(tuple.getValueNode(), label, problems, depth + 1, maxDepth));
            }
            return new YNode(Shape.MAPPING, null, entries, keys, List.of(), line, column);
        }
        if (node instanceof SequenceNode sequence) {
            List<YNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(convert(item, label, problems, depth + 1, maxDepth));
            }
            return new YNode(Shape.SEQUENCE, null, Map.of(), Map.of(), items, line, column);
        }
        ScalarNode scalar = (ScalarNode) node;
        return scalar(scalarValue(scalar), line, column);
    }

    private static Object scalarValue(ScalarNode node) {
        String text = node.getValue();
        Tag tag = node.getTag();
        try {
            if (Tag.NULL.equals(tag)) {
                return null;
            }
            if (Tag.BOOL.equals(tag)) {
                return Boolean.parseBoolean(text.toLowerCase());
            }
            if (Tag.INT.equals(tag)) {
                String digits = text.replace("_", "");
                BigInteger big = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16)
                        : digits.startsWith("0o") ? new BigInteger(digits.substring(2), 8)
                        : new BigInteger(digits);
                return big.bitLength() < 63 ? (Object) big.longValue() : big;
            }
            if (Tag.FLOAT.equals(tag)) {
                String lower = text.toLowerCase();
                if (lower.endsWith(".inf")) {
                    return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                if (lower.equals(".nan")) {
                    return Double.NaN;
                }
                return Double.parseDouble(text);
            }
        } catch (NumberFormatException e) {
            return text;
        }
        return text;
    }

    public static int line(Mark mark) {
        return mark.getLine() + 1;
    }

    public Shape shape() {
        return shape;
    }

    public boolean isMapping() {
        return shape == Shape.MAPPING;
    }

    public boolean isSequence() {
        return shape == Shape.SEQUENCE;
    }

    public boolean isScalar() {
        return shape == Shape.SCALAR;
    }

    public boolean isNull() {
        return shape == Shape.SCALAR && scalar == null;
    }

    public boolean isString() {
        return scalar instanceof String;
    }

    /** The scalar value (String, Long, BigInteger, Double, Boolean or null). */
    public Object scalar() {
        return scalar;
    }

    public String text() {
        return scalar == null ? null : String.valueOf(scalar);
    }

    public Map<String, YNode> entries() {
        return Collections.unmodifiableMap(entries);
    }

    public YNode get(String key) {
        return entries.get(key);
    }

    /** Where a mapping key was written; falls back to the mapping itself. */
    public YNode keyNode(String key) {
        YNode node = keys.get(key);
        return node != null ? node : this;
    }

    public List<YNode> items() {
        return Collections.unmodifiableList(items);
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Plain Java value: LinkedHashMap, ArrayList, String, Long, Double, Boolean or null. */
    public Object toJava() {
        switch (shape) {
            case MAPPING:
                Map<String, Object> map = new LinkedHashMap<>();
                entries.forEach((k, v) -> map.put(k, v.toJava()));
                return map;
            case SEQUENCE:
                List<Object> list = new ArrayList<>(items.size());
                items.forEach(i -> list.add(i.toJava()));
                return list;
            default:
                return scalar;
        }
    }

    public String describe() {
        return switch (shape) {
            case MAPPING -> "a mapping";
            case SEQUENCE -> "a list";
            default -> scalar == null ? "null"
                    : scalar instanceof String ? "a string"
                    : scalar instanceof Boolean ? "a boolean"
                    : "a number";
        };
    }
}
