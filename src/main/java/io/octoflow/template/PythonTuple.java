package io.octoflow.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;

import com.hubspot.jinjava.objects.collections.PyList;

/**
 * Python's tuple: an immutable list that prints as {@code (1, 'a')} or {@code (1,)}. Jinjava has no tuple type;
 * tuple literals, {@code dict.items()}, {@code items} and {@code dictsort} give one, so templates print what
 * Jinja2 prints. It is still a list for everything else (loops, unpacking, filters, JSON).
 */
final class PythonTuple extends PyList {

    PythonTuple(Collection<?> items) {
        super(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    static PythonTuple of(Object... items) {
        return new PythonTuple(java.util.Arrays.asList(items));
    }
}
