package io.octoflow.step.types;

import java.nio.charset.StandardCharsets;

/** URL encoding as Python's urllib.parse.quote_plus does it (the encoding urlencode uses for query strings). */
final class PythonUrlEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PythonUrlEncoding() {
    }

    /** Letters, digits and {@code _.-~} stay; a space becomes {@code +}; every other UTF-8 byte is {@code %XX}. */
    static String quotePlus(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '.' || c == '-' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }
}
