package io.octoflow.lock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The content of a lock file, a small JSON object: {@code {"flow", "pid", "host", "since", "execution"?}}. A file
 * that cannot be read as one is reported with pid {@code -1} (the stale-lock policy removes it).
 */
final class LockFileFormat {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    /** Lock keys are flow ids: bounded by the flows deployed; the bound only guards against a flood of odd keys. */
    private static final int MAX_PREFIXES = 100_000;
    private static final Map<String, String> PREFIXES = new ConcurrentHashMap<>();

    private LockFileFormat() {
    }

    /**
     * What this process writes when it takes the lock of {@code key} for {@code owner} (may be null): the JSON object
     * Jackson wrote before, made by hand from a prefix kept per key (one map of five fields per run was most of a
     * lock's cost besides its system calls).
     */
    static byte[] content(String key, String owner) {
        StringBuilder json = new StringBuilder(192).append(prefix(key)).append(Instant.now()).append('"');
        if (owner != null) {
            json.append(",\"execution\":\"").append(QUOTE.quoteAsString(owner)).append('"');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"flow":<key>,"pid":<pid>,"host":<host>,"since":"}: the same for every lock of a key. */
    private static String prefix(String key) {
        String prefix = PREFIXES.get(key);
        if (prefix == null) {
            prefix = "{\"flow\":\"" + new String(QUOTE.quoteAsString(key)) + "\",\"pid\":" + ThisProcess.PID
                    + ",\"host\":" + (ThisProcess.HOST == null ? "null"
                            : "\"" + new String(QUOTE.quoteAsString(ThisProcess.HOST)) + "\"")
                    + ",\"since\":\"";
            if (PREFIXES.size() < MAX_PREFIXES) {
                PREFIXES.put(key, prefix);
            }
        }
        return prefix;
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
