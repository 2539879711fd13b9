package io.octoflow.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times as the spooler's API writes and reads them: ISO 8601 in TIMEZONE, like Python's isoformat(). */
final class SpoolerTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx");

    private SpoolerTime() {
    }

    /** {@code 2026-05-23T14:03:12.123456+02:00}: microseconds only when there are some, offset always as +hh:mm. */
    static String format(Instant instant, ZoneId zone) {
        if (instant == null) {
            return null;
        }
        ZonedDateTime time = instant.atZone(zone);
        int micros = time.getNano() / 1000;
        return time.format(SECONDS) + (micros == 0 ? "" : String.format(".%06d", micros)) + time.format(OFFSET);
    }

    /**
     * A time filter: Unix seconds ({@code 1716465600.5}), or an ISO 8601 date or date-time with {@code T} or a space
     * ({@code 2026-05-23}, {@code 2026-05-23 14:00:00}, {@code 2026-05-23T14:00:00+02:00}); read in TIMEZONE when it
     * has no offset. Null when absent.
     */
    static Instant parse(String text, String parameter, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            double seconds = Double.parseDouble(t);
            if (Double.isFinite(seconds)) {
                long whole = (long) Math.floor(seconds);
                return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1_000_000) * 1000);
            }
        } catch (NumberFormatException notANumber) {
            // a date below
        }
        String iso = t.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) +(\\d)", "$1T$2")
                .replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2"); // +0200 -> +02:00
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e1) {
            try {
                return LocalDateTime.parse(iso).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
                } catch (DateTimeParseException e3) {
                    throw new ApiException(400, parameter + ": expected Unix seconds or an ISO 8601 date or time"
                            + " (2026-05-23, 2026-05-23 14:00:00, 2026-05-23T14:00:00+02:00), got '" + text + "'");
                }
            }
        }
    }
}
