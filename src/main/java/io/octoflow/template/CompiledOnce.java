package io.octoflow.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What compiling a source gave, kept by source: a value, or the message of the {@link RuntimeException} it threw
 * (thrown again, as a new exception of the same kind for a {@link TemplateException}). Thousands of flow files
 * share the same few templates and jq programs; each distinct one is compiled once. At most {@code kept} sources
 * are kept, the least recently used go first. Thread-safe; two threads may compile the same source at once (the
 * first result stays), which is harmless since compiling has no side effect.
 */
public final class CompiledOnce<V> {

    /** A compilation that failed: its message, thrown again by {@link #get}. */
    private record Failure(RuntimeException error) {
    }

    private final Map<String, Object> kept;

    public CompiledOnce(int kept) {
        this.kept = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > kept;
            }
        };
    }

    /** The result of compiling {@code source}, compiled by {@code compile} the first time. */
    @SuppressWarnings("unchecked")
    public V get(String source, Supplier<V> compile) {
        Object known;
        synchronized (kept) {
            known = kept.get(source);
        }
        if (known == null) {
            try {
                known = compile.get();
            } catch (RuntimeException e) {
                known = new Failure(e);
            }
            synchronized (kept) {
                Object first = kept.putIfAbsent(source, known);
                known = first != null ? first : known;
            }
        }
        if (known instanceof Failure failure) {
            throw again(failure.error());
        }
        return (V) known;
    }

    /** A fresh exception with the same message, so that a stack trace never points at another file's compilation. */
    private static RuntimeException again(RuntimeException error) {
        if (error.getClass() == TemplateException.class) {
            return new TemplateException(error.getMessage());
        }
        return error;
    }
}
