package io.octoflow.history;

/** Size limits on stored text, measured in UTF-8 bytes; never splits a character. */
final class Caps {

    /** Error texts (of a run or of a step) keep at most this many bytes. */
    static final int ERROR_BYTES = 8 * 1024;

    /** The default cap on the input and data JSON texts. */
    static final int DEFAULT_JSON_BYTES = 1024 * 1024;

    /** The smallest JSON cap accepted: room for the truncation marker. */
    static final int MIN_JSON_BYTES = 64;

    private Caps() {
    }

    /**
     * The JSON text as is when it fits in {@code capBytes}, otherwise a small valid JSON document that says it was
     * cut: {@code {"_truncated":true,"size":N}} with N the original size in bytes. A JSON document cut in half is
     * never stored.
     */
    static String json(String json, int capBytes) {
        if (json == null || (long) json.length() * 3 <= capBytes) {
            return json;
        }
        long size = utf8Length(json);
        return size <= capBytes ? json : truncationMarker(size);
    }

    static String truncationMarker(long size) {
        return "{\"_truncated\":true,\"size\":" + size + "}";
    }

    /** The text as is when it fits in {@code maxBytes}, otherwise its head and a note of the original size. */
    static String text(String s, int maxBytes) {
        if (s == null || (long) s.length() * 3 <= maxBytes) {
            return s;
        }
        long size = utf8Length(s);
        if (size <= maxBytes) {
            return s;
        }
        String suffix = "... [truncated, " + size + " bytes]";
        long budget = maxBytes - utf8Length(suffix);
        int end = 0;
        long used = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int bytes = utf8Length(cp);
            if (used + bytes > budget) {
                break;
            }
            used += bytes;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + suffix;
    }

    /** At most {@code maxChars} characters, not splitting a surrogate pair (for names and short labels). */
    static String clip(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    static long utf8Length(CharSequence s) {
        long n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }
}
