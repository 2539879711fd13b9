package io.octoflow.service;

import java.util.List;

/**
 * A flow was named by a {@code name} that several deployed files share: flows are identified by path, so the
 * caller must give one of {@link #paths()}.
 */
public final class AmbiguousFlowException extends IllegalArgumentException {

    private final String name;
    private final List<String> paths;

    public AmbiguousFlowException(String name, List<String> paths) {
        super("flow name '" + name + "' is ambiguous: " + paths.size() + " deployed flows have it ("
                + String.join(", ", paths) + "); name the flow by its path");
        this.name = name;
        this.paths = List.copyOf(paths);
    }

    public String name() {
        return name;
    }

    /** The paths of the flows that have the name, sorted. */
    public List<String> paths() {
        return paths;
    }
}
