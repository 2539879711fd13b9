package io.octoflow.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Strong ETags of answers: a SHA-256 of the body, and whether an {@code If-None-Match} header names one. */
final class ETags {

    private ETags() {
    }

    static String of(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code header} lists {@code tag} (or is {@code *}); a weak {@code W/} prefix is ignored, as for GETs. */
    static boolean matches(String header, String tag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(tag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }
}
