package io.octoflow.path;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Resolves user-written paths inside one root directory. A path that is absolute, climbs out with {@code ../}, or
 * reaches outside through a symbolic link is refused: flows come from many hands and must not read or write
 * anything but their own tree.
 *
 * <p>{@link #resolve} checks the path when a flow names it; {@link #readString} and {@link #write} check it again
 * when the file is opened, which is what counts: a link may be created, or a directory swapped for a link, in
 * between. They open every directory from the root down relative to its parent ({@link SecureDirectoryStream},
 * {@code openat}) and the file itself, never following a symbolic link; a link anywhere on the way is refused.
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
        // A link that points nowhere exists (as a link): writing through it would create its target, wherever.
        Path existing = resolved;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.startsWith(root)) {
            // the root itself is missing: say that, not that the path leaves it
            throw new PathOutsideRootException("path '" + relative + "': " + rootName + " " + root
                    + " does not exist; create it, or set " + rootName + " to the directory the flow's files are in"
                    + " (a relative " + rootName + " is resolved against the working directory "
                    + Path.of("").toAbsolutePath() + ")");
        }
        if (existing != null && Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            throw new PathOutsideRootException("path '" + relative + "' goes through a symbolic link that points"
                    + " nowhere inside " + rootName);
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

    /** The text of {@code file} (from {@link #resolve}), opened as described in the class comment. */
    public String readString(Path file) throws IOException {
        try (SeekableByteChannel channel = open(file, Set.of(StandardOpenOption.READ))) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("file '" + relativize(file) + "' is too large to read (" + size + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // to the end announced
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Opens {@code file} (from {@link #resolve}) for reading, as described in the class comment, for a caller that
     * reads it its own way (within a size bound).
     */
    public SeekableByteChannel openForReading(Path file) throws IOException {
        return open(file, Set.of(StandardOpenOption.READ));
    }

    /**
     * Writes {@code text} (UTF-8) to {@code file} (from {@link #resolve}), replacing it or appending to it; missing
     * directories are created. Opened as described in the class comment.
     */
    public void write(Path file, String text, boolean append) throws IOException {
        Set<OpenOption> options = new HashSet<>(Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
        options.add(append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        try (SeekableByteChannel channel = open(file, options)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /** How many links one path may go through (as the kernel's ELOOP limit). */
    private static final int MAX_LINKS = 40;

    /**
     * Opens {@code file} one directory at a time from the root, never following a link. A link met on the way is
     * resolved once: when its target is inside the root, the walk starts again from the root along the real
     * path (which holds no link), so what is finally opened was reached without following any link.
     */
    private SeekableByteChannel open(Path file, Set<OpenOption> options) throws IOException {
        Path resolved = file.toAbsolutePath().normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new PathOutsideRootException("path '" + file + "' is not a file inside " + rootName);
        }
        boolean create = options.contains(StandardOpenOption.CREATE);
        Set<OpenOption> noFollow = new HashSet<>(options);
        noFollow.add(LinkOption.NOFOLLOW_LINKS);
        if (create) {
            Files.createDirectories(root);
        }
        Path realRoot = root.toRealPath(); // the root itself may be a link (a mounted volume): the admin's choice
        Path relative = root.relativize(resolved);
        for (int links = 0; links <= MAX_LINKS; links++) {
            DirectoryStream<Path> top = Files.newDirectoryStream(realRoot);
            if (!(top instanceof SecureDirectoryStream<Path> directory)) {
                top.close();
                return openChecked(realRoot, relative, noFollow, create);
            }
            LinkOnTheWay link;
            try {
                return walk(directory, realRoot, relative, noFollow, create);
            } catch (LinkOnTheWay found) {
                link = found;
            }
            Path real;
            try {
                real = link.at.toRealPath();
            } catch (NoSuchFileException dangling) {
                throw new PathOutsideRootException("path '" + relativize(resolved) + "' goes through a symbolic"
                        + " link that points nowhere; a file is never created through a link");
            }
            if (!real.startsWith(realRoot)) {
                throw new PathOutsideRootException("path '" + relativize(resolved) + "' leads outside " + rootName
                        + " through a symbolic link");
            }
            Path rest = link.index + 1 < relative.getNameCount()
                    ? relative.subpath(link.index + 1, relative.getNameCount()) : null;
            Path within = realRoot.relativize(real);
            relative = rest == null ? within : within.resolve(rest);
            if (relative.toString().isEmpty() || relative.getNameCount() == 0) {
                throw new PathOutsideRootException("path '" + relativize(resolved) + "' is not a file inside "
                        + rootName);
            }
        }
        throw new PathOutsideRootException("path '" + relativize(resolved) + "' goes through more than " + MAX_LINKS
                + " symbolic links");
    }

    /** One walk from the root; throws {@link LinkOnTheWay} at the first link. Closes {@code directory}. */
    private SeekableByteChannel walk(SecureDirectoryStream<Path> directory, Path realRoot, Path relative,
            Set<OpenOption> noFollow, boolean create) throws IOException {
        Path at = realRoot;
        try {
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                Path name = relative.getName(i);
                at = at.resolve(name);
                SecureDirectoryStream<Path> next;
                try {
                    next = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException missing) {
                    if (!create || Files.isSymbolicLink(at)) {
                        throw Files.isSymbolicLink(at) ? new LinkOnTheWay(at, i) : missing;
                    }
                    try {
                        Files.createDirectory(at);
                    } catch (FileAlreadyExistsException raced) {
                        // made meanwhile: opened below, without following a link, like any other
                    }
                    next = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    if (Files.isSymbolicLink(at)) {
                        throw new LinkOnTheWay(at, i);
                    }
                    throw refused(at, e);
                }
                directory.close();
                directory = next;
            }
            Path name = relative.getFileName();
            try {
                return directory.newByteChannel(name, noFollow);
            } catch (NoSuchFileException missing) {
                if (Files.isSymbolicLink(at.resolve(name))) {
                    throw new LinkOnTheWay(at.resolve(name), relative.getNameCount() - 1);
                }
                throw new NoSuchFileException(relativize(realRoot, at.resolve(name)));
            } catch (IOException e) {
                if (Files.isSymbolicLink(at.resolve(name))) {
                    throw new LinkOnTheWay(at.resolve(name), relative.getNameCount() - 1);
                }
                throw refused(at.resolve(name), e);
            }
        } finally {
            directory.close();
        }
    }

    /** A link where the walk wanted a plain directory or file: {@code at} (real up to it), the name's index. */
    private static final class LinkOnTheWay extends IOException {
        final transient Path at;
        final int index;

        LinkOnTheWay(Path at, int index) {
            super("a symbolic link at " + at);
            this.at = at;
            this.index = index;
        }
    }

    /** Without openat (not Linux or macOS): the real parent is checked, then the file opened without links. */
    private SeekableByteChannel openChecked(Path realRoot, Path relative, Set<OpenOption> options, boolean create)
            throws IOException {
        Path lexical = realRoot.resolve(relative);
        if (create) {
            Files.createDirectories(lexical.getParent());
        }
        Path parent = lexical.getParent().toRealPath();
        if (!parent.startsWith(realRoot)) {
            throw new PathOutsideRootException("path '" + relative + "' leads outside " + rootName
                    + " through a symbolic link");
        }
        try {
            return Files.newByteChannel(parent.resolve(lexical.getFileName()), options);
        } catch (NoSuchFileException missing) {
            throw missing;
        } catch (IOException e) {
            throw refused(lexical, e);
        }
    }

    /** Something that is no directory on the way, or no file at the end. */
    private PathOutsideRootException refused(Path at, IOException cause) {
        return new PathOutsideRootException("path '" + at.getFileName() + "' cannot be opened inside " + rootName
                + ": " + cause.getClass().getSimpleName() + " " + cause.getMessage());
    }

    private static String relativize(Path realRoot, Path path) {
        return realRoot.relativize(path).toString().replace('\\', '/');
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
