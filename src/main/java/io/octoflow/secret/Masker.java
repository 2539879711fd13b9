package io.octoflow.secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Replaces every known secret value by {@code ***}. Every value a secret store hands out is registered here first,
 * along with the forms it travels in (a Basic authorization header carries base64 of user:password), so that no
 * log line, error, result or stored record can show it.
 */
public final class Masker {

    public static final String MASK = "***";
    // Shorter values would mask ordinary words in every message.
    private static final int MIN_LENGTH = 3;

    /** How often, at most, the source of the values is asked whether it changed (a file's date: one stat). */
    static final long REFRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private volatile List<String> longestFirst = List.of();
    private volatile Runnable refresh = () -> { };
    private final java.util.concurrent.atomic.AtomicLong nextRefresh = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());

    /**
     * What brings the values up to date (the secret store reading a changed secrets file), run before masking at
     * most once a second: a value is masked from the moment it is in the file, not only once a step has used a
     * secret (issue 18 #8). It must not log, and must not throw.
     */
    public void keepCurrentWith(Runnable refresh) {
        this.refresh = refresh;
        nextRefresh.set(System.nanoTime());
    }

    private void refreshIfDue() {
        long due = nextRefresh.get();
        long now = System.nanoTime();
        if (now - due >= 0 && nextRefresh.compareAndSet(due, now + REFRESH_NANOS)) {
            refresh.run();
        }
    }

    /** Registers a secret value, and the forms it takes inside JSON text and URLs. */
    public void register(String value) {
        if (value == null || value.length() < MIN_LENGTH || secrets.contains(value)) {
            return;
        }
        secrets.add(value);
        secrets.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
        secrets.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        longestFirst = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    public void registerCredential(String username, String password) {
        register(password);
        if (username != null && password != null) {
            register(Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        refreshIfDue();
        if (longestFirst.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String secret : longestFirst) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        return masked;
    }

    /** A deep copy of a value with every string masked (mappings, lists and their keys included). */
    public Object maskValue(Object value) {
        refreshIfDue();
        if (longestFirst.isEmpty()) {
            return value;
        }
        if (value instanceof String text) {
            return mask(text);
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(mask(String.valueOf(k)), maskValue(v)));
            return copy;
        }
        if (value instanceof java.util.Collection<?> list) {
            java.util.List<Object> copy = new java.util.ArrayList<>(list.size());
            list.forEach(v -> copy.add(maskValue(v)));
            return copy;
        }
        return value;
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }
}
