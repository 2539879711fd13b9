package io.octoflow.path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves user-written paths inside one root directory. A path that is absolute, climbs out with {@code ../}, or
 * reaches outside through a symbolic link is refused: flows come from many hands and must not read or write
 * anything but their own tree.
 */
public final class ConfinedPaths {

    private final Path root;
    private final String rootName;

    public ConfinedPaths(Path root, String rootName) {
        this.root = root.toAbsolutePath().normalize();
        this.rootName = rootName;
    }

    public Path root() {
        return root;
    }

    /** Resolves {@code relative}; throws {@link PathOutsideRootException} when it leaves the root. */
    public Path resolve(String relative) {
        if (relative == null || relative.isBlank()) {
            throw new PathOutsideRootException("an empty path is not allowed");
        }
        Path given;
        try {
            given = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new PathOutsideRootException("path '" + relative + "' is not a valid path: " + e.getReason());
        }
        if (given.isAbsolute() || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new PathOutsideRootException("path '" + relative + "' is absolute; it must be relative to "
                    + rootName);
        }
        Path resolved = root.resolve(given).normalize();
        if (!resolved.startsWith(root)) {
            throw new PathOutsideRootException("path '" + relative + "' leads outside " + rootName);
        }
        // A symbolic link anywhere on the way may lead out: compare real paths of the deepest existing ancestor.
        Path existing = resolved;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            try {
                Path realRoot = Files.exists(root) ? root.toRealPath() : root;
                if (!existing.toRealPath().startsWith(realRoot)) {
                    throw new PathOutsideRootException("path '" + relative + "' leads outside " + rootName
                            + " through a symbolic link");
                }
            } catch (IOException e) {
                throw new PathOutsideRootException("path '" + relative + "' cannot be resolved: " + e.getMessage());
            }
        }
        return resolved;
    }

    /** The path relative to the root, with forward slashes, as flows write it. */
    public String relativize(Path path) {
        return root.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    public static final class PathOutsideRootException extends RuntimeException {
        public PathOutsideRootException(String message) {
            super(message);
        }
    }
}
