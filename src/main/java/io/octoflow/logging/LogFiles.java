package io.octoflow.logging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files of LOG_PATH, for {@code GET /api/logs} and {@code GET /api/logs/{file}}: a plain file name only, no
 * directories, no links out of LOG_PATH.
 */
public final class LogFiles {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public record LogFile(String name, long sizeBytes, Instant modified) {
    }

    private final Path directory;

    public LogFiles(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The log files, newest first. */
    public List<LogFile> list() throws IOException {
        List<LogFile> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.add(new LogFile(entry.getFileName().toString(), Files.size(entry),
                            Files.getLastModifiedTime(entry).toInstant()));
                }
            }
        }
        files.sort(Comparator.comparing(LogFile::modified).reversed().thenComparing(LogFile::name));
        return files;
    }

    /**
     * The file named {@code name} in LOG_PATH.
     *
     * @throws IllegalArgumentException when the name is not a plain file name
     * @throws NoSuchFileException when there is no such log file
     */
    public Path file(String name) throws NoSuchFileException {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("expected the name of a file in LOG_PATH (as GET /api/logs lists"
                    + " them), got '" + name + "'");
        }
        Path file = directory.resolve(name).normalize();
        if (!file.getParent().equals(directory)
                || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(name);
        }
        return file;
    }

    /** The last {@code lines} lines of a text log file. */
    public String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))
                + (all.isEmpty() ? "" : "\n");
    }
}
