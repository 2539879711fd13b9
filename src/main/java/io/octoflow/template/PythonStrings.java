package io.octoflow.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's str methods real templates call ({@code 'abc'.startswith('a')}, {@code .upper()}, {@code .strip()},
 * {@code .split(',')}, {@code .replace()}, {@code '{}-{}'.format(a, b)}, {@code ', '.join(l)}...), and
 * {@code dict.get(key, default)} and {@code dict.items()}, answered before Jinjava looks for a Java method of the same name.
 */
final class PythonStrings extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        Object[] args = params == null ? new Object[0] : params;
        if (base instanceof String text && method != null) {
            Object result = call(text, method.toString(), args);
            if (result != NOT_A_METHOD) {
                context.setPropertyResolved(true);
                return result;
            }
        }
        if (base instanceof Map<?, ?> map && "get".equals(method) && (args.length == 1 || args.length == 2)) {
            context.setPropertyResolved(true);
            return map.containsKey(args[0]) ? map.get(args[0]) : args.length == 2 ? args[1] : null;
        }
        if (base instanceof Map<?, ?> map && "items".equals(method) && args.length == 0) {
            // (key, value) tuples, as Python's dict.items() iterates (Jinjava gives Map.Entry, printed k=v)
            context.setPropertyResolved(true);
            List<Object> pairs = new ArrayList<>(map.size());
            map.forEach((k, v) -> pairs.add(PythonTuple.of(k, v)));
            return pairs;
        }
        return null;
    }

    private static final Object NOT_A_METHOD = new Object();

    private static Object call(String s, String name, Object[] a) {
        switch (name) {
            case "startswith":
                return a.length == 1 && s.startsWith(PythonText.str(a[0]));
            case "endswith":
                return a.length == 1 && s.endsWith(PythonText.str(a[0]));
            case "upper":
                return s.toUpperCase();
            case "lower":
                return s.toLowerCase();
            case "strip":
                return a.length == 0 || a[0] == null ? s.strip() : strip(s, PythonText.str(a[0]), true, true);
            case "lstrip":
                return a.length == 0 || a[0] == null ? s.stripLeading() : strip(s, PythonText.str(a[0]), true, false);
            case "rstrip":
                return a.length == 0 || a[0] == null ? s.stripTrailing() : strip(s, PythonText.str(a[0]), false, true);
            case "split":
                return split(s, a.length == 0 ? null : a[0], a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "rsplit":
                return rsplit(s, a.length == 0 ? null : a[0], a.length > 1 ? ((Number) a[1]).intValue() : -1);
            case "replace":
                return a.length == 3 ? replace(s, PythonText.str(a[0]), PythonText.str(a[1]), ((Number) a[2]).intValue())
                        : s.replace(PythonText.str(a[0]), PythonText.str(a[1]));
            case "format":
                return format(s, a);
            case "join":
                return join(s, a[0]);
            case "title":
                return title(s);
            case "capitalize":
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase() + s.substring(1).toLowerCase();
            case "find":
                return (long) s.indexOf(PythonText.str(a[0]));
            case "count":
                return (long) count(s, PythonText.str(a[0]));
            case "isdigit":
                return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha":
                return !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "zfill":
                int width = ((Number) a[0]).intValue();
                boolean sign = s.startsWith("-") || s.startsWith("+");
                String digits = sign ? s.substring(1) : s;
                String pad = "0".repeat(Math.max(0, width - s.length()));
                return (sign ? s.substring(0, 1) : "") + pad + digits;
            default:
                return NOT_A_METHOD;
        }
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (right && end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    private static List<Object> split(String s, Object separator, int max) {
        List<Object> out = new ArrayList<>();
        if (separator == null) {
            for (String part : s.strip().split("\\s+", max < 0 ? 0 : max + 1)) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        String sep = PythonText.str(separator);
        out.addAll(List.of(s.split(Pattern.quote(sep), max < 0 ? -1 : max + 1)));
        return out;
    }

    /** Python's {@code rsplit}: like split, but at most {@code max} cuts counted from the right. */
    private static List<Object> rsplit(String s, Object separator, int max) {
        if (max < 0) {
            return split(s, separator, max);
        }
        java.util.LinkedList<Object> out = new java.util.LinkedList<>();
        String rest = separator == null ? s.stripTrailing() : s;
        String sep = separator == null ? null : PythonText.str(separator);
        int cuts = 0;
        while (cuts < max) {
            int at = -1;
            int width = 0;
            if (sep == null) {
                Matcher last = Pattern.compile("\\s+(?=\\S*$)").matcher(rest);
                if (last.find() && last.start() > 0) {
                    at = last.start();
                    width = last.end() - last.start();
                }
            } else {
                at = rest.lastIndexOf(sep);
                width = sep.length();
            }
            if (at < 0) {
                break;
            }
            out.addFirst(rest.substring(at + width));
            rest = rest.substring(0, at);
            cuts++;
        }
        out.addFirst(sep == null ? rest.stripLeading() : rest);
        return new ArrayList<>(out);
    }

    private static String replace(String s, String old, String with, int count) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int done = 0;
        int at;
        while ((count < 0 || done < count) && (at = s.indexOf(old, from)) >= 0 && !old.isEmpty()) {
            out.append(s, from, at).append(with);
            from = at + old.length();
            done++;
        }
        return out.append(s.substring(from)).toString();
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object items) {
        StringBuilder out = new StringBuilder();
        Iterator<Object> it = PythonFilters.iterate(items).iterator();
        while (it.hasNext()) {
            Object item = it.next();
            if (!(item instanceof CharSequence)) {
                throw new IllegalArgumentException("sequence item: expected str instance, "
                        + PythonOperators.typeName(item) + " found");
            }
            out.append(item);
            if (it.hasNext()) {
                out.append(separator);
            }
        }
        return out.toString();
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder();
        boolean previousLetter = false;
        for (char c : s.toCharArray()) {
            out.append(previousLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?}");

    /** Python's str.format with positional ({}, {0}) and named ({name}) fields and format specs ({:>4}, {:.2f}). */
    private static String format(String s, Object[] args) {
        List<Object> positional = new ArrayList<>();
        Map<?, ?> named = Map.of();
        for (Object arg : args) {
            if (arg instanceof com.hubspot.jinjava.el.ext.NamedParameter p) {
                java.util.HashMap<Object, Object> m = new java.util.HashMap<>(named);
                m.put(p.getName(), p.getValue());
                named = m;
            } else {
                positional.add(arg);
            }
        }
        StringBuilder out = new StringBuilder();
        Matcher m = FIELD.matcher(s);
        int auto = 0;
        int last = 0;
        while (m.find()) {
            out.append(s, last, m.start());
            last = m.end();
            String token = m.group();
            if (token.equals("{{")) {
                out.append('{');
                continue;
            }
            if (token.equals("}}")) {
                out.append('}');
                continue;
            }
            String field = m.group(1);
            Object value;
            if (field.isEmpty()) {
                value = positional.get(auto++);
            } else if (field.matches("\\d+")) {
                value = positional.get(Integer.parseInt(field));
            } else if (named.containsKey(field)) {
                value = named.get(field);
            } else {
                throw new IllegalArgumentException("KeyError: '" + field + "'");
            }
            out.append(m.group(2) == null || m.group(2).isEmpty() ? PythonText.str(value)
                    : PythonFormatSpec.apply(value, m.group(2)));
        }
        return out.append(s.substring(last)).toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // read only
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
