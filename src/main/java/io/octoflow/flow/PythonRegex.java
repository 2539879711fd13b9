package io.octoflow.flow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions written for Python's {@code re} module (the spooler's {@code ignore_errors} and switch
 * cases), compiled for Java. The syntax differs in a few places real patterns hit: a brace that starts no
 * repetition is a literal in Python ({@code "{'status_code': 404"}) but an error in Java; {@code (?P<name>...)} and
 * {@code (?P=name)} are Python's named groups; {@code {,n}} means {@code {0,n}}; {@code \Z} is Java's {@code \z};
 * {@code [} and {@code &&} inside a class are literals in Python. {@link #matchesAtStart} is {@code re.match}.
 */
public final class PythonRegex {

    private static final Pattern REPETITION = Pattern.compile("\\{(\\d*)(,?)(\\d*)\\}");

    private PythonRegex() {
    }

    public static Pattern compile(String python) {
        return Pattern.compile(toJava(python));
    }

    /** Python's {@code re.match}: the pattern must match at the start of the text, not necessarily to its end. */
    public static boolean matchesAtStart(Pattern pattern, String text) {
        return pattern.matcher(text).lookingAt();
    }

    static String toJava(String python) {
        StringBuilder out = new StringBuilder(python.length() + 8);
        boolean inClass = false;
        int classFirst = -1; // where a ']' is still a literal: right after '[' or '[^'
        int i = 0;
        while (i < python.length()) {
            char c = python.charAt(i);
            if (c == '\\' && i + 1 < python.length()) {
                char next = python.charAt(i + 1);
                out.append(next == 'Z' && !inClass ? "\\z" : "\\" + next);
                i += 2;
                continue;
            }
            if (inClass) {
                if (c == ']' && i != classFirst) {
                    inClass = false;
                    out.append(c);
                } else if (c == '[' || c == '&' || (c == ']')) {
                    out.append('\\').append(c);
                } else {
                    out.append(c);
                }
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                i++;
                if (i < python.length() && python.charAt(i) == '^') {
                    out.append('^');
                    i++;
                }
                classFirst = i;
                continue;
            }
            if (python.startsWith("(?P<", i)) {
                out.append("(?<");
                i += 4;
                continue;
            }
            if (python.startsWith("(?P=", i)) {
                int end = python.indexOf(')', i);
                if (end > 0) {
                    out.append("\\k<").append(python, i + 4, end).append('>');
                    i = end + 1;
                    continue;
                }
            }
            if (c == '{') {
                Matcher repetition = REPETITION.matcher(python).region(i, python.length());
                if (repetition.lookingAt() && !(repetition.group(1).isEmpty() && repetition.group(3).isEmpty())
                        && !(repetition.group(1).isEmpty() && repetition.group(2).isEmpty())) {
                    String min = repetition.group(1).isEmpty() ? "0" : repetition.group(1);
                    out.append('{').append(min).append(repetition.group(2)).append(repetition.group(3)).append('}');
                    i = repetition.end();
                    continue;
                }
                out.append("\\{");
                i++;
                continue;
            }
            if (c == '}') {
                out.append("\\}");
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** The message of a pattern that does not compile, in one line. */
    public static String describe(PatternSyntaxException e) {
        return e.getDescription() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
    }
}
