package io.octoflow.template;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;

/**
 * Jinja2's builtin filters where Jinjava's differ in a way real templates notice: {@code default} keeps None,
 * {@code round} rounds half to even and keeps integers, {@code tojson} sorts keys and escapes HTML characters,
 * {@code sort}/{@code min}/{@code max}/{@code unique} compare case-insensitively and accept dotted attributes,
 * {@code groupby} sorts its groups, and the rest print with Python's {@code str()}.
 *
 * <p>Over 400 lines: a catalog of some forty filters, each a short method beside its registration in one table;
 * split by letter or by kind it would only scatter the table that says which Jinja2 filters Octoflow overrides.
 */
final class PythonFilters {

    private PythonFilters() {
    }

    @FunctionalInterface
    interface Body {
        Object apply(Object value, Args args);
    }

    /** A filter's positional and named arguments, read the way Python binds them. */
    record Args(Object[] positional, Map<String, Object> named, JinjavaInterpreter interpreter) {
        Object get(int index, String name, Object fallback) {
            if (named.containsKey(name)) {
                return named.get(name);
            }
            return index < positional.length ? positional[index] : fallback;
        }

        boolean flag(int index, String name) {
            return PythonTypeConverter.truthy(get(index, name, false));
        }

        int integer(int index, String name, int fallback) {
            Object v = get(index, name, fallback);
            return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v).trim());
        }
    }

    private record PyFilter(String name, Body body, int maxArgs) implements Filter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            if (args.length > maxArgs) {
                throw new IllegalArgumentException(name + "() takes at most " + maxArgs + " arguments ("
                        + args.length + " given)");
            }
            return body.apply(var, new Args(args, kwargs, interpreter));
        }
    }

    static void register(Context context) {
        Filter select = context.getFilter("select");
        Filter map = context.getFilter("map");
        Filter reject = context.getFilter("reject");
        List<PyFilter> filters = List.of(
                new PyFilter("default", PythonFilters::defaultValue, 2),
                new PyFilter("d", PythonFilters::defaultValue, 2),
                new PyFilter("round", PythonFilters::round, 2),
                new PyFilter("sum", PythonFilters::sum, 2),
                new PyFilter("tojson", (v, a) -> PythonJson.htmlSafe(v, a.get(0, "indent", null)), 1),
                new PyFilter("string", (v, a) -> PythonInterpreter.text(v), 0),
                new PyFilter("join", PythonFilters::join, 2),
                new PyFilter("list", (v, a) -> list(v), 0),
                new PyFilter("min", (v, a) -> extreme(v, a, false), 2),
                new PyFilter("max", (v, a) -> extreme(v, a, true), 2),
                new PyFilter("sort", PythonFilters::sort, 3),
                new PyFilter("unique", PythonFilters::unique, 2),
                new PyFilter("dictsort", PythonFilters::dictsort, 3),
                new PyFilter("items", (v, a) -> items(v), 0),
                new PyFilter("trim", PythonFilters::trim, 1),
                new PyFilter("truncate", PythonFilters::truncate, 4),
                new PyFilter("urlencode", (v, a) -> urlencode(v), 0),
                new PyFilter("batch", PythonFilters::batch, 2),
                new PyFilter("slice", PythonFilters::slice, 2),
                new PyFilter("first", (v, a) -> firstOrLast(v, true), 0),
                new PyFilter("last", (v, a) -> firstOrLast(v, false), 0),
                new PyFilter("groupby", PythonFilters::groupby, 3),
                new PyFilter("pprint", (v, a) -> PythonText.repr(sorted(v)), 0),
                new PyFilter("int", PythonFilters::toInt, 2),
                new PyFilter("float", PythonFilters::toFloat, 1),
                new PyFilter("escape", (v, a) -> escape(v), 0),
                new PyFilter("xmlattr", PythonFilters::xmlattr, 1),
                new PyFilter("e", (v, a) -> escape(v), 0),
                new PyFilter("forceescape", (v, a) -> escape(v instanceof SafeString s ? s.toString() : v), 0),
                new PyFilter("map", (v, a) -> a.named().containsKey("attribute") ? mapAttribute(v, a)
                        : map.filter(v, a.interpreter(), a.positional(), a.named()), 10),
                new PyFilter("select", (v, a) -> a.positional().length == 0 ? truthyItems(v, true)
                        : select.filter(v, a.interpreter(), a.positional(), a.named()), 10),
                new PyFilter("reject", (v, a) -> a.positional().length == 0 ? truthyItems(v, false)
                        : reject.filter(v, a.interpreter(), a.positional(), a.named()), 10));
        filters.forEach(context::registerFilter);
    }

    private static Object defaultValue(Object value, Args args) {
        Object fallback = args.get(0, "default_value", "");
        if (args.flag(1, "boolean")) {
            return PythonTypeConverter.truthy(value) ? value : fallback;
        }
        if (value == null && PythonInterpreter.lastNullIsUndefined()) {
            return fallback;
        }
        PythonInterpreter.noteLookup(false);
        return value;
    }

    private static Object round(Object value, Args args) {
        int precision = args.integer(0, "precision", 0);
        String method = String.valueOf(args.get(1, "method", "common"));
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw new IllegalArgumentException("method must be common, ceil or floor");
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("round needs a number, not " + PythonOperators.typeName(value));
        }
        if (method.equals("common") && isInteger(number)) {
            return number;
        }
        RoundingMode mode = switch (method) {
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> RoundingMode.HALF_EVEN;
        };
        // the exact binary value, as Python rounds it: round(2.675, 2) is 2.67
        double rounded = new BigDecimal(number.doubleValue()).setScale(precision, mode).doubleValue();
        // Python's round keeps the sign of zero (round(-0.5) is -0.0); ceil and floor give an int, so +0.0
        return rounded == 0 && method.equals("common") ? Math.copySign(0.0, number.doubleValue()) : rounded;
    }

    private static boolean isInteger(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof BigInteger;
    }

    private static Object sum(Object value, Args args) {
        Object attribute = args.get(0, "attribute", null);
        Object total = args.get(1, "start", 0);
        for (Object item : iterate(value)) {
            Object term = attribute == null ? item : attribute(item, String.valueOf(attribute));
            total = add(total, term);
        }
        return total;
    }

    private static Object add(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (isInteger(x) && isInteger(y)) {
                BigInteger r = new BigInteger(x.toString()).add(new BigInteger(y.toString()));
                return r.bitLength() < 64 ? (Object) r.longValue() : r;
            }
            return x.doubleValue() + y.doubleValue();
        }
        throw new IllegalArgumentException("unsupported operand type(s) for +: '" + PythonOperators.typeName(a)
                + "' and '" + PythonOperators.typeName(b) + "'");
    }

    private static Object join(Object value, Args args) {
        String separator = PythonText.str(args.get(0, "d", ""));
        Object attribute = args.get(1, "attribute", null);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : iterate(value)) {
            if (!first) {
                out.append(separator);
            }
            first = false;
            out.append(PythonText.str(attribute == null ? item : attribute(item, String.valueOf(attribute))));
        }
        return out.toString();
    }

    static List<Object> list(Object value) {
        return new ArrayList<>(iterate(value));
    }

    /** Python's iteration: a mapping gives its keys, a string its characters. */
    static List<Object> iterate(Object value) {
        List<Object> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            out.addAll(map.keySet());
        } else if (value instanceof CharSequence text) {
            text.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
        } else if (value instanceof Iterable<?> items) {
            items.forEach(out::add);
        } else if (value instanceof Object[] array) {
            out.addAll(List.of(array));
        } else {
            throw new IllegalArgumentException("'" + PythonOperators.typeName(value) + "' object is not iterable");
        }
        return out;
    }

    /** An item's attribute as Jinja2's filters read it: dotted paths, integer parts as list indexes. */
    static Object attribute(Object item, String path) {
        Object node = item;
        for (String part : path.split("\\.")) {
            if (node instanceof Map<?, ?> map) {
                node = map.get(part);
            } else if (node instanceof List<?> list && part.matches("-?\\d+")) {
                int i = Integer.parseInt(part);
                node = i < list.size() ? list.get(i) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    private static Comparator<Object> order(boolean caseSensitive) {
        return (a, b) -> compare(key(a, caseSensitive), key(b, caseSensitive));
    }

    private static Object key(Object value, boolean caseSensitive) {
        return !caseSensitive && value instanceof String s ? s.toLowerCase() : value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compare(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        throw new IllegalArgumentException("'<' not supported between instances of '" + PythonOperators.typeName(a)
                + "' and '" + PythonOperators.typeName(b) + "'");
    }

    private static Comparator<Object> byAttributes(Args args, int caseIndex, int attributeIndex) {
        boolean caseSensitive = args.flag(caseIndex, "case_sensitive");
        Object attribute = args.get(attributeIndex, "attribute", null);
        if (attribute == null) {
            return order(caseSensitive);
        }
        List<String> paths = List.of(String.valueOf(attribute).split(","));
        return (a, b) -> {
            for (String path : paths) {
                int c = order(caseSensitive).compare(attribute(a, path.trim()), attribute(b, path.trim()));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    private static Object extreme(Object value, Args args, boolean max) {
        List<Object> items = iterate(value);
        if (items.isEmpty()) {
            PythonInterpreter.noteLookup(true);
            return null;
        }
        Comparator<Object> order = byAttributes(args, 0, 1);
        Object best = items.get(0);
        for (Object item : items) {
            int c = order.compare(item, best);
            if (max ? c > 0 : c < 0) {
                best = item;
            }
        }
        return best;
    }

    private static Object sort(Object value, Args args) {
        List<Object> items = iterate(value);
        Comparator<Object> order = byAttributes(args, 1, 2);
        items.sort(args.flag(0, "reverse") ? order.reversed() : order);
        return items;
    }

    private static Object unique(Object value, Args args) {
        boolean caseSensitive = args.flag(0, "case_sensitive");
        Object attribute = args.get(1, "attribute", null);
        List<Object> out = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (Object item : iterate(value)) {
            Object k = key(attribute == null ? item : attribute(item, String.valueOf(attribute)), caseSensitive);
            if (seen.stream().noneMatch(s -> PythonOperators.equal(s, k))) {
                seen.add(k);
                out.add(item);
            }
        }
        return out;
    }

    private static Object dictsort(Object value, Args args) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("dictsort needs a mapping, not " + (value == null ? "None" : value.getClass().getName()));
        }
        boolean caseSensitive = args.flag(0, "case_sensitive");
        String by = String.valueOf(args.get(1, "by", "key"));
        int position = by.equals("value") ? 1 : 0;
        List<Object> pairs = items(map);
        Comparator<Object> order = (a, b) -> compare(key(((List<?>) a).get(position), caseSensitive),
                key(((List<?>) b).get(position), caseSensitive));
        pairs.sort(args.flag(2, "reverse") ? order.reversed() : order);
        return pairs;
    }

    private static List<Object> items(Object value) {
        List<Object> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Can only get item pairs from a mapping.");
        }
        map.forEach((k, v) -> out.add(PythonTuple.of(k, v)));
        return out;
    }

    private static Object trim(Object value, Args args) {
        String text = PythonText.str(value);
        Object chars = args.get(0, "chars", null);
        return chars == null ? text.strip() : PythonStrings.strip(text, String.valueOf(chars), true, true);
    }

    private static Object truncate(Object value, Args args) {
        String s = PythonText.str(value);
        int length = args.integer(0, "length", 255);
        boolean killwords = args.flag(1, "killwords");
        String end = String.valueOf(args.get(2, "end", "..."));
        Object leewayArg = args.get(3, "leeway", null);
        int leeway = leewayArg == null ? 5 : ((Number) leewayArg).intValue();
        if (s.length() <= length + leeway) {
            return s;
        }
        String head = s.substring(0, Math.max(0, length - end.length()));
        if (killwords) {
            return head + end;
        }
        int space = head.lastIndexOf(' ');
        return (space >= 0 ? head.substring(0, space) : head) + end;
    }

    /** Python's urllib quote: letters, digits and {@code _.-~} (and {@code /} outside query values) kept. */
    static String quote(String text, boolean forQuery) {
        String encoded = URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~")
                .replace("*", "%2A");
        if (!forQuery) {
            encoded = encoded.replace("%2F", "/");
        }
        return forQuery ? encoded.replace("%20", "+") : encoded;
    }

    private static Object urlencode(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, v) -> parts.add(quote(PythonText.str(k), true) + "=" + quote(PythonText.str(v), true)));
            return String.join("&", parts);
        }
        if (value instanceof CharSequence || !(value instanceof Iterable<?>)) {
            return quote(PythonText.str(value), false);
        }
        List<String> parts = new ArrayList<>();
        for (Object pair : iterate(value)) {
            List<?> kv = (List<?>) pair;
            parts.add(quote(PythonText.str(kv.get(0)), true) + "=" + quote(PythonText.str(kv.get(1)), true));
        }
        return String.join("&", parts);
    }

    private static Object batch(Object value, Args args) {
        int size = args.integer(0, "linecount", 1);
        Object fill = args.get(1, "fill_with", null);
        boolean filling = args.positional().length > 1 || args.named().containsKey("fill_with");
        List<Object> out = new ArrayList<>();
        List<Object> row = new ArrayList<>();
        for (Object item : iterate(value)) {
            if (row.size() == size) {
                out.add(row);
                row = new ArrayList<>();
            }
            row.add(item);
        }
        if (!row.isEmpty()) {
            while (filling && fill != null && row.size() < size) {
                row.add(fill);
            }
            out.add(row);
        }
        return out;
    }

    private static Object slice(Object value, Args args) {
        List<Object> seq = iterate(value);
        int slices = args.integer(0, "slices", 1);
        Object fill = args.get(1, "fill_with", null);
        int perSlice = seq.size() / slices;
        int withExtra = seq.size() % slices;
        int offset = 0;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            int start = offset + i * perSlice;
            if (i < withExtra) {
                offset++;
            }
            int end = offset + (i + 1) * perSlice;
            List<Object> part = new ArrayList<>(seq.subList(start, end));
            if (fill != null && i >= withExtra) {
                part.add(fill);
            }
            out.add(part);
        }
        return out;
    }

    private static Object firstOrLast(Object value, boolean first) {
        List<Object> items = iterate(value);
        if (items.isEmpty()) {
            PythonInterpreter.noteLookup(true);
            return null;
        }
        return items.get(first ? 0 : items.size() - 1);
    }

    private static Object groupby(Object value, Args args) {
        String attribute = String.valueOf(args.get(0, "attribute", null));
        Object fallback = args.get(1, "default", null);
        boolean caseSensitive = args.flag(2, "case_sensitive");
        Map<Object, Group> groups = new LinkedHashMap<>();
        List<Object> items = iterate(value);
        items.sort((a, b) -> compare(key(groupKey(a, attribute, fallback), caseSensitive),
                key(groupKey(b, attribute, fallback), caseSensitive)));
        for (Object item : items) {
            Object k = key(groupKey(item, attribute, fallback), caseSensitive);
            Object normal = k instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : k;
            groups.computeIfAbsent(normal, x -> new Group(groupKey(item, attribute, fallback), new ArrayList<>()))
                    .list().add(item);
        }
        return new ArrayList<>(groups.values());
    }

    private static Object groupKey(Object item, String attribute, Object fallback) {
        Object k = attribute(item, attribute);
        return k == null ? fallback : k;
    }

    /** One group of {@code groupby}: {@code .grouper} and {@code .list}, and unpacks as {@code key, items}. */
    public record Group(Object grouper, List<Object> list) implements Map.Entry<Object, Object> {
        public Object getGrouper() {
            return grouper;
        }

        public List<Object> getList() {
            return list;
        }

        @Override
        public Object getKey() {
            return grouper;
        }

        @Override
        public Object getValue() {
            return list;
        }

        @Override
        public Object setValue(Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String toString() {
            return "(" + PythonText.repr(grouper) + ", " + PythonText.repr(list) + ")";
        }
    }

    private static Object toInt(Object value, Args args) {
        Object fallback = args.get(0, "default", 0);
        int base = args.integer(1, "base", 10);
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof Number n) {
            return isInteger(n) ? n : (Object) new BigDecimal(n.toString()).toBigInteger().longValue();
        }
        String text = PythonText.str(value);
        // Jinja2: int(text, base) for a string, else int(float(text)), else the default
        BigInteger parsed = pythonInt(text, base);
        if (parsed != null) {
            return parsed.bitLength() < 64 ? (Object) parsed.longValue() : parsed;
        }
        Double real = pythonFloat(text);
        return real != null && Double.isFinite(real) ? (Object) (long) real.doubleValue() : fallback;
    }

    /** Jinja2's {@code float}: Python's float() of the value, else the default (0.0). */
    private static Object toFloat(Object value, Args args) {
        Object fallback = args.get(0, "default", 0.0);
        if (value instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        Double real = pythonFloat(PythonText.str(value));
        return real != null ? (Object) real : fallback;
    }

    /**
     * Python's {@code int(text, base)}: surrounding blanks, a sign, single underscores between digits, and the
     * 0x/0o/0b prefix of its base (base 0: the prefix says the base); null when Python would raise ValueError.
     */
    static BigInteger pythonInt(String text, int base) {
        String t = text.strip();
        boolean negative = false;
        if (t.startsWith("-") || t.startsWith("+")) {
            negative = t.charAt(0) == '-';
            t = t.substring(1);
        }
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        int prefixed = lower.startsWith("0x") ? 16 : lower.startsWith("0o") ? 8 : lower.startsWith("0b") ? 2 : 0;
        if (prefixed != 0 && (base == 0 || base == prefixed)) {
            base = prefixed;
            t = t.substring(2);
            if (t.startsWith("_")) {
                t = t.substring(1);
            }
        } else if (base == 0) {
            base = 10;
            if (t.length() > 1 && t.startsWith("0") && !t.chars().allMatch(c -> c == '0' || c == '_')) {
                return null; // Python refuses a leading zero in base 0
            }
        }
        if (base < 2 || base > 36 || t.isEmpty() || t.startsWith("_") || t.endsWith("_") || t.contains("__")) {
            return null;
        }
        try {
            BigInteger n = new BigInteger(t.replace("_", ""), base);
            return negative ? n.negate() : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Python's {@code float(text)}: decimal and exponent forms, inf/infinity/nan, underscores between digits. */
    static Double pythonFloat(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!t.matches("[+-]?(\\d(_?\\d)*)?(\\.(\\d(_?\\d)*)?)?(e[+-]?\\d(_?\\d)*)?")
                || !unsigned.matches("\\.?\\d.*")) {
            return null;
        }
        return Double.parseDouble(t.replace("_", ""));
    }

    /** markupsafe's escape, as Jinja2's {@code escape}: an already escaped value is left as it is. */
    private static Object escape(Object value) {
        if (value instanceof SafeString) {
            return value;
        }
        String text = PythonText.str(value);
        return new SafeString(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&#34;").replace("'", "&#39;"));
    }

    /** Jinja2's xmlattr: {@code  key="value"} for each item that is not None, escaped, space separated. */
    private static Object xmlattr(Object value, Args args) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("xmlattr needs a mapping");
        }
        StringBuilder out = new StringBuilder();
        map.forEach((k, v) -> {
            if (v != null) {
                out.append(out.length() > 0 ? " " : "").append(escape(k)).append("=\"").append(escape(v)).append('"');
            }
        });
        boolean autospace = PythonTypeConverter.truthy(args.get(0, "autospace", true));
        return new SafeString(autospace && out.length() > 0 ? " " + out : out.toString());
    }

    private static Object mapAttribute(Object value, Args args) {
        String attribute = String.valueOf(args.named().get("attribute"));
        Object fallback = args.named().get("default");
        List<Object> out = new ArrayList<>();
        for (Object item : iterate(value)) {
            Object v = attribute(item, attribute);
            out.add(v == null && fallback != null ? fallback : v);
        }
        return out;
    }

    private static Object truthyItems(Object value, boolean keep) {
        List<Object> out = new ArrayList<>();
        for (Object item : iterate(value)) {
            if (PythonTypeConverter.truthy(item) == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new TreeMap<>(PythonFilters::compare);
            map.forEach((k, v) -> out.put(k, sorted(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(PythonFilters::sorted).toList();
        }
        return value;
    }
}
