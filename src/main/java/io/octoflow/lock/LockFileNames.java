package io.octoflow.lock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The file name of a lock: the key's characters {@code [a-z0-9._-]}, anything else replaced by {@code _}, upper
 * case lowered, a leading dot replaced, cut at 80 characters. Whenever that changed the key (or when the key itself
 * ends like a hash suffix), {@code -} and 12 hex digits of the key's SHA-256 are appended, so different keys never
 * share a file: {@code a_b} is {@code a_b.lock}, {@code a/b} is {@code a_b-<hash>.lock}, and {@code Flow} and
 * {@code flow} stay apart on case-insensitive file systems too.
 */
final class LockFileNames {

    /** File name suffix of every lock. */
    static final String SUFFIX = ".lock";

    private static final int MAX_SLUG = 80;
    private static final int HASH_HEX = 12;
    private static final Pattern HASH_LIKE_ENDING = Pattern.compile(".*-[0-9a-f]{" + HASH_HEX + "}");

    private LockFileNames() {
    }

    static String of(String key) {
        if (key == null) {
            throw new IllegalArgumentException("A lock key must not be null");
        }
        StringBuilder slug = new StringBuilder(Math.min(key.length(), MAX_SLUG));
        for (int i = 0; i < key.length() && slug.length() < MAX_SLUG; i++) {
            char c = key.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || (c == '.' && slug.length() > 0)) {
                slug.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                slug.append(Character.toLowerCase(c));
            } else {
                slug.append('_');
            }
        }
        String name = slug.toString();
        boolean changed = name.isEmpty() || !name.equals(key) || HASH_LIKE_ENDING.matcher(key).matches();
        if (name.isEmpty()) {
            name = "_";
        }
        return (changed ? name + "-" + hash(key) : name) + SUFFIX;
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
