package io.octoflow.lock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The content of a lock file, a small JSON object: {@code {"flow", "pid", "host", "since", "execution"?}}. A file
 * that cannot be read as one is reported with pid {@code -1} (the stale-lock policy removes it).
 */
final class LockFileFormat {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LockFileFormat() {
    }

    /** What this process writes when it takes the lock of {@code key} for {@code owner} (may be null). */
    static byte[] content(String key, String owner) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("flow", key);
        json.put("pid", ThisProcess.PID);
        json.put("host", ThisProcess.HOST);
        json.put("since", Instant.now().toString());
        if (owner != null) {
            json.put("execution", owner);
        }
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a lock file; empty when it does not exist (any more). */
    static Optional<LockInfo> read(Path file) {
        byte[] bytes;
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(file).toInstant();
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read lock file " + file + ": " + e, e);
        }
        String fileName = file.getFileName().toString();
        String fallbackFlow = fileName.substring(0, fileName.length() - LockFileNames.SUFFIX.length());
        LockInfo unreadable = new LockInfo(fallbackFlow, -1, null, modified, file, null);
        try {
            JsonNode json = JSON.readTree(bytes);
            if (json == null || !json.isObject() || !json.path("pid").canConvertToLong()
                    || !json.path("flow").isTextual()) {
                return Optional.of(unreadable);
            }
            Instant since = modified;
            if (json.path("since").isTextual()) {
                try {
                    since = Instant.parse(json.get("since").asText());
                } catch (DateTimeParseException e) {
                    // keep the file time
                }
            }
            return Optional.of(new LockInfo(json.get("flow").asText(), json.get("pid").asLong(),
                    json.path("host").isTextual() ? json.get("host").asText() : null, since, file,
                    json.path("execution").isTextual() ? json.get("execution").asText() : null));
        } catch (IOException e) {
            return Optional.of(unreadable);
        }
    }
}
