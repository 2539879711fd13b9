package io.octoflow.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.logging.LogFiles;

/** {@code /api/logs}: the log files of LOG_PATH, and one of them (whole, or its last lines). */
final class LogsApi {

    private final Path logPath;
    private final LogFiles logFiles;
    private final ApiViews views;

    LogsApi(Path logPath, ApiViews views) {
        this.logPath = logPath;
        this.logFiles = new LogFiles(logPath);
        this.views = views;
    }

    Object list(Exchange exchange) throws IOException {
        List<Map<String, Object>> files = new ArrayList<>();
        for (LogFiles.LogFile file : logFiles.list()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", file.name());
            view.put("size_bytes", file.sizeBytes());
            view.put("modified", views.time(file.modified()));
            files.add(view);
        }
        return Map.of("log_path", logPath.toString(), "files", files);
    }

    Object file(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("file", String.class);
        Path file;
        try {
            file = logFiles.file(name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "file: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new ApiException(404, "no log file '" + name + "' in LOG_PATH");
        }
        if (name.endsWith(".gz")) {
            return new RawBody("application/gzip", Files.readAllBytes(file));
        }
        String tail = exchange.getMessage().getHeader("tail", String.class);
        byte[] content = tail == null ? Files.readAllBytes(file)
                : logFiles.tail(file, QueryParams.integer(tail, "tail", 100)).getBytes(StandardCharsets.UTF_8);
        return new RawBody("text/plain; charset=utf-8", content);
    }
}
