package io.octoflow.logging;

/**
 * User text (flow names, paths, step names, problems) made safe for one log line: a line break or another control
 * character in a flow name must not forge log lines (issue 18 #20). {@code \n} becomes the two characters
 * {@code \\n}, other control characters {@code \\uXXXX}.
 */
public final class LogText {

    private LogText() {
    }

    public static String oneLine(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
            if (control && safe == null) {
                safe = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (safe == null) {
                continue;
            }
            if (!control) {
                safe.append(c);
            } else if (c == '\n') {
                safe.append("\\n");
            } else if (c == '\r') {
                safe.append("\\r");
            } else if (c == '\t') {
                safe.append("\\t");
            } else {
                safe.append(String.format("\\u%04x", (int) c));
            }
        }
        return safe == null ? text : safe.toString();
    }
}
