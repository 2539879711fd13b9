package io.octoflow.kubernetes.job;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Unique Job names {@code <flow>-<step>-<random>}: DNS-1123 labels (lower-case alphanumerics and '-', starting and
 * ending alphanumeric) of at most 63 characters, because the Job controller copies the name into a pod label.
 */
public final class JobNames {

    static final int MAX = 63;
    private static final int RANDOM = 5;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOMNESS = new SecureRandom();

    private JobNames() {
    }

    public static String unique(String flow, String step) {
        StringBuilder suffix = new StringBuilder(RANDOM);
        for (int i = 0; i < RANDOM; i++) {
            suffix.append(ALPHABET.charAt(RANDOMNESS.nextInt(ALPHABET.length())));
        }
        // room for the two dashes and the random part
        int room = MAX - RANDOM - 2;
        String flowSlug = slug(flow, "flow");
        String stepSlug = slug(step, "step");
        int flowRoom = Math.max(room - stepSlug.length(), room / 2);
        flowSlug = trim(flowSlug, Math.min(flowSlug.length(), flowRoom));
        stepSlug = trim(stepSlug, Math.min(stepSlug.length(), room - flowSlug.length()));
        return flowSlug + "-" + stepSlug + "-" + suffix;
    }

    /** A DNS-1123 label made of a name: lower case, runs of other characters turned into one '-'. */
    public static String slug(String name, String fallback) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return slug.isEmpty() ? fallback : slug;
    }

    /** A label value (63 characters at most, alphanumeric at both ends). */
    public static String labelValue(String value) {
        return trim(value.replaceAll("[^A-Za-z0-9_.-]+", "-"), Math.min(value.length(), MAX));
    }

    private static String trim(String text, int length) {
        String cut = text.substring(0, Math.min(text.length(), length));
        return cut.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }
}
