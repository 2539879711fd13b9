package io.octoflow.api;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.logging.ServiceLogs;

/**
 * {@code GET /api/v1/logs?lines=N}: the last N lines (100) of the service log {@code LOG_PATH/octoflow.log}, each
 * with its line end, as the spooler answers. Lines were masked when written. The file is read from its end, so
 * a large log costs only what is returned.
 */
final class SpoolerLogsApi {

    private static final int DEFAULT_LINES = 100;
    private static final int CHUNK = 64 * 1024;

    private final Path file;

    SpoolerLogsApi(Path logPath) {
        this.file = logPath.resolve(ServiceLogs.FILE_NAME);
    }

    Object tail(Exchange exchange) throws IOException {
        String text = exchange.getMessage().getHeader("lines", String.class);
        int lines = DEFAULT_LINES;
        if (text != null && !text.isBlank()) {
            try {
                lines = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "lines: expected a positive whole number, got '" + text + "'");
            }
        }
        if (lines <= 0) {
            throw new ApiException(400, "lines: expected a positive whole number, got " + lines);
        }
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "Log file " + file + " not found");
        }
        return Map.of("logs", lastLines(file, lines));
    }

    /** The last {@code count} lines of {@code file}, each ending with its {@code \n} (the last one may not). */
    static List<String> lastLines(Path file, int count) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length();
            long start = end;
            int newlines = 0;
            byte[] buffer = new byte[CHUNK];
            // walk back until count line ends are before 'end' (a final line end does not start a line)
            search:
            while (start > 0) {
                int size = (int) Math.min(CHUNK, start);
                in.seek(start - size);
                in.readFully(buffer, 0, size);
                for (int i = size - 1; i >= 0; i--) {
                    long position = start - size + i;
                    if (buffer[i] == '\n' && position != end - 1) {
                        newlines++;
                        if (newlines == count) {
                            start = position + 1;
                            break search;
                        }
                    }
                }
                start -= size;
            }
            in.seek(start);
            byte[] tail = new byte[(int) (end - start)];
            in.readFully(tail);
            return split(new String(tail, StandardCharsets.UTF_8));
        }
    }

    private static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < text.length()) {
            out.add(text.substring(from));
        }
        return out;
    }
}
