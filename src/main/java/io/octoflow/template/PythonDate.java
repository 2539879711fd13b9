package io.octoflow.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A YAML timestamp as PyYAML reads it: a {@code datetime.date} ({@code 2025-05-26}) or a {@code datetime.datetime}
 * ({@code 2025-05-26 10:11:12}, with microseconds and a UTC offset when written). Templates see a date, not a
 * string ({@code is string} is false), printed as Python's {@code str()}; {@code year}, {@code month}, {@code day}
 * read as in Python. In JSON (history, API, jq) it is that text.
 */
public final class PythonDate {

    // PyYAML's timestamp pattern (YAML 1.1)
    private static final Pattern TIMESTAMP = Pattern.compile("^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
            + "(?:(?:[Tt]|[ \\t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]*))?"
            + "(?:[ \\t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$");

    private final int year;
    private final int month;
    private final int day;
    private final boolean hasTime;
    private final int hour;
    private final int minute;
    private final int second;
    private final int microsecond;
    /** The UTC offset in minutes, or null for a naive datetime. */
    private final Integer offset;

    private PythonDate(int[] fields, boolean hasTime, Integer offset) {
        this.year = fields[0];
        this.month = fields[1];
        this.day = fields[2];
        this.hasTime = hasTime;
        this.hour = fields[3];
        this.minute = fields[4];
        this.second = fields[5];
        this.microsecond = fields[6];
        this.offset = offset;
    }

    /** PyYAML's {@code construct_yaml_timestamp}; an impossible date (Feb 30) is an error, as in Python. */
    public static PythonDate parse(String text) {
        Matcher m = TIMESTAMP.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a YAML timestamp: " + text);
        }
        int[] f = new int[7];
        f[0] = Integer.parseInt(m.group(1));
        f[1] = Integer.parseInt(m.group(2));
        f[2] = Integer.parseInt(m.group(3));
        try {
            java.time.LocalDate.of(f[0], f[1], f[2]);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("invalid date " + text + ": " + e.getMessage(), e);
        }
        if (m.group(4) == null) {
            return new PythonDate(f, false, null);
        }
        f[3] = Integer.parseInt(m.group(4));
        f[4] = Integer.parseInt(m.group(5));
        f[5] = Integer.parseInt(m.group(6));
        if (f[3] > 23 || f[4] > 59 || f[5] > 59) {
            throw new IllegalArgumentException("invalid time in " + text);
        }
        String fraction = m.group(7) == null ? "" : m.group(7);
        fraction = (fraction.length() > 6 ? fraction.substring(0, 6) : fraction + "000000".substring(fraction.length()));
        f[6] = Integer.parseInt(fraction);
        Integer offset = null;
        if (m.group(9) != null) {
            int minutes = Integer.parseInt(m.group(10)) * 60 + (m.group(11) == null ? 0 : Integer.parseInt(m.group(11)));
            offset = m.group(9).equals("-") ? -minutes : minutes;
        } else if (m.group(8) != null) {
            offset = 0;
        }
        return new PythonDate(f, true, offset);
    }

    public int getYear() {
        return year;
    }

    public int getMonth() {
        return month;
    }

    public int getDay() {
        return day;
    }

    /** Python's {@code str()}: {@code 2025-05-26}, {@code 2025-05-26 10:11:12.100000+02:00}. */
    @JsonValue
    @Override
    public String toString() {
        String date = String.format("%04d-%02d-%02d", year, month, day);
        if (!hasTime) {
            return date;
        }
        String time = String.format(" %02d:%02d:%02d", hour, minute, second)
                + (microsecond == 0 ? "" : String.format(".%06d", microsecond));
        if (offset == null) {
            return date + time;
        }
        int abs = Math.abs(offset);
        return date + time + String.format("%s%02d:%02d", offset < 0 ? "-" : "+", abs / 60, abs % 60);
    }

    /** Python's {@code repr()}: {@code datetime.date(2025, 5, 26)}. */
    String repr() {
        if (!hasTime) {
            return "datetime.date(" + year + ", " + month + ", " + day + ")";
        }
        StringBuilder out = new StringBuilder("datetime.datetime(").append(year).append(", ").append(month)
                .append(", ").append(day).append(", ").append(hour).append(", ").append(minute);
        if (second != 0 || microsecond != 0) {
            out.append(", ").append(second);
        }
        if (microsecond != 0) {
            out.append(", ").append(microsecond);
        }
        if (offset != null) {
            out.append(", tzinfo=").append(offset == 0 ? "datetime.timezone.utc" : "datetime.timezone("
                    + timedelta(offset * 60L) + ")");
        }
        return out.append(')').toString();
    }

    /** Python's repr of a timedelta of that many seconds. */
    private static String timedelta(long seconds) {
        long days = Math.floorDiv(seconds, 86400);
        long rest = seconds - days * 86400;
        return "datetime.timedelta(" + (days != 0 ? "days=" + days + (rest != 0 ? ", " : "") : "")
                + (rest != 0 ? "seconds=" + rest : "") + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PythonDate d && d.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
