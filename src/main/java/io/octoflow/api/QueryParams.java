package io.octoflow.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Query parameters of Octoflow's API read strictly: a bad value is a 400 naming the parameter and the form wanted. */
final class QueryParams {

    private QueryParams() {
    }

    /** A whole number >= 0; {@code fallback} when absent. */
    static int integer(String text, String name, int fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new ApiException(400, name + ": expected a whole number >= 0, got '" + text + "'");
    }

    /** ISO 8601; without an offset the time is read in {@code zone} (TIMEZONE); null when absent. */
    static Instant instant(String text, String name, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(text).atStartOfDay(zone).toInstant();
                } catch (DateTimeParseException e3) {
                    throw new ApiException(400, name + ": expected an ISO 8601 date or time (2026-05-23,"
                            + " 2026-05-23T10:00:00, 2026-05-23T10:00:00+02:00), got '" + text + "'");
                }
            }
        }
    }
}
