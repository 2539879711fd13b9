package io.octoflow.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a mapping against its declared {@link Key}s, nested blocks included, one recursion for every level: keys
 * it does not declare (a warning: the spooler ignores keys it does not read; an error in a {@link Key#strict()}
 * block), keys it requires that are missing and values that do not fit (an error, or a warning for a
 * {@link Key#lenient()} key). Each problem is at the line and column of the key or value concerned.
 */
final class KeyChecker {

    private final FileProblems problems;

    KeyChecker(FileProblems problems) {
        this.problems = problems;
    }

    /**
     * Checks {@code mapping}, written at {@code path} ({@code flow} and {@code step} for the flow and a step
     * themselves, else the dotted path of the block: {@code rest}, {@code rest.authentication}). Returns true when
     * the mapping's own keys fit: nothing required is missing and no value has the wrong shape (the block can be
     * compiled). Problems inside nested blocks are reported too, but do not make it false: the step type reads
     * nested blocks defensively, so that every problem of a file is found at once.
     */
    boolean check(YNode mapping, List<Key> keys, String path) {
        return check(mapping, keys, path, Problem.Severity.WARNING);
    }

    private boolean check(YNode mapping, List<Key> keys, String path, Problem.Severity unknown) {
        boolean ok = true;
        Map<String, Key> byName = keys.stream().collect(Collectors.toMap(Key::name, k -> k, (a, b) -> a,
                LinkedHashMap::new));
        for (Map.Entry<String, YNode> entry : mapping.entries().entrySet()) {
            Key key = byName.get(entry.getKey());
            if (key == null) {
                problems.report(mapping.keyNode(entry.getKey()), where(path) + "unknown key '" + entry.getKey()
                        + "'" + (unknown == Problem.Severity.WARNING ? ", ignored" : "") + " (expected one of: "
                        + String.join(", ", byName.keySet()) + ")", unknown);
                continue;
            }
            YNode value = entry.getValue();
            String expected = key.check(value);
            if (expected != null) {
                problems.report(value, prefix(path) + entry.getKey() + ": expected " + expected + ", found "
                        + describe(value), key.mismatch());
                ok &= key.mismatch() == Problem.Severity.WARNING;
            } else if (key.nested()) {
                nested(key, value, prefix(path) + key.name());
            }
        }
        for (Key key : keys) {
            if (key.required() && !mapping.entries().containsKey(key.name())) {
                problems.error(mapping, where(path) + "missing required key '" + key.name() + "'");
                ok = false;
            }
        }
        return ok;
    }

    /** The nested block of {@code key}, whose value already has the key's shape. */
    private void nested(Key key, YNode value, String path) {
        switch (key.kind()) {
            case MAPPING -> check(value, key.keys(), path, key.unknown());
            case MAPPING_LIST -> {
                for (YNode item : value.items()) {
                    if (item.isMapping()) {
                        check(item, key.keys(), path, key.unknown());
                    } else {
                        problems.error(item, path + ": each item must be " + key.nestedExpected() + ", found "
                                + describe(item));
                    }
                }
            }
            case MAPPING_MAP -> value.entries().forEach((name, item) -> {
                if (item.isMapping()) {
                    check(item, key.keys(), path + "." + name, key.unknown());
                } else {
                    problems.error(item, path + "." + name + ": expected " + key.nestedExpected() + ", found "
                            + describe(item));
                }
            });
            default -> throw new IllegalStateException("key '" + key.name() + "' of kind " + key.kind()
                    + " declares nested keys");
        }
    }

    static String describe(YNode node) {
        return node.isScalar() && node.scalar() != null ? node.describe() + " '" + node.text() + "'"
                : node.describe();
    }

    private static boolean topLevel(String path) {
        return path.equals("flow") || path.equals("step");
    }

    private static String where(String path) {
        return topLevel(path) ? "" : path + ": ";
    }

    private static String prefix(String path) {
        return topLevel(path) ? "" : path + ".";
    }
}
