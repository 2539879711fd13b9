package io.octoflow.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana's PostgreSQL datasource does to a panel's SQL before it sends it (no TimescaleDB), so that a test can
 * run a dashboard's queries against a real database: first {@code $__interval_ms}, {@code $__interval},
 * {@code $__unixEpochFrom()} and {@code $__unixEpochTo()} (sqleng's Interpolate), then every
 * {@code $__name(args)} macro (the datasource's macro engine): {@code $__time}, {@code $__timeEpoch},
 * {@code $__timeFilter}, {@code $__timeFrom}, {@code $__timeTo}, {@code $__timeGroup} (followed by a comma: with
 * {@code AS "time"}, Grafana's pre-5.3 rule), {@code $__timeGroupAlias}, {@code $__unixEpochFilter},
 * {@code $__unixEpochNanoFilter}, {@code $__unixEpochNanoFrom}, {@code $__unixEpochNanoTo},
 * {@code $__unixEpochGroup}, {@code $__unixEpochGroupAlias}. Times are written as Go's RFC3339Nano in UTC
 * (no fraction when whole, trailing zeros dropped), intervals as Go prints a float of seconds. A fill argument of
 * {@code $__timeGroup} only changes Grafana's post-processing, not the SQL.
 */
public final class GrafanaPostgresMacros {

    private static final Pattern MACRO = Pattern.compile("\\$([_a-zA-Z0-9]+)\\(([^)]*)\\)");
    private static final Pattern INTERVAL = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private final Instant from;
    private final Instant to;
    private final Duration interval;

    public GrafanaPostgresMacros(Instant from, Instant to, Duration interval) {
        this.from = from;
        this.to = to;
        this.interval = interval;
    }

    public String expand(String sql) {
        String interpolated = sql.replace("$__interval_ms", Long.toString(interval.toMillis()))
                .replace("$__interval", formatInterval(interval))
                .replace("$__unixEpochFrom()", Long.toString(from.getEpochSecond()))
                .replace("$__unixEpochTo()", Long.toString(to.getEpochSecond()));
        Matcher m = MACRO.matcher(interpolated);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (name.equals("__timeGroup")) {
                int after = interpolated.indexOf(m.group(0)) + m.group(0).length();
                if (after < interpolated.length() && interpolated.charAt(after) == ',') {
                    name = "__timeGroupAlias";
                }
            }
            List<String> args = new ArrayList<>();
            for (String arg : m.group(2).split(",", -1)) {
                args.add(arg.strip());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(macro(name, args)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String macro(String name, List<String> args) {
        return switch (name) {
            case "__time" -> column(name, args) + " AS \"time\"";
            case "__timeEpoch" -> "extract(epoch from " + column(name, args) + ") as \"time\"";
            case "__timeFilter" -> column(name, args) + " BETWEEN '" + rfc3339(from) + "' AND '" + rfc3339(to) + "'";
            case "__timeFrom" -> "'" + rfc3339(from) + "'";
            case "__timeTo" -> "'" + rfc3339(to) + "'";
            case "__timeGroup" -> {
                String seconds = seconds(group(name, args));
                yield "floor(extract(epoch from " + args.get(0) + ")/" + seconds + ")*" + seconds;
            }
            case "__timeGroupAlias" -> macro("__timeGroup", args) + " AS \"time\"";
            case "__unixEpochFilter" -> column(name, args) + " >= " + from.getEpochSecond() + " AND " + args.get(0)
                    + " <= " + to.getEpochSecond();
            case "__unixEpochNanoFilter" -> column(name, args) + " >= " + nanos(from) + " AND " + args.get(0)
                    + " <= " + nanos(to);
            case "__unixEpochNanoFrom" -> nanos(from);
            case "__unixEpochNanoTo" -> nanos(to);
            case "__unixEpochGroup" -> {
                String seconds = seconds(group(name, args));
                yield "floor((" + args.get(0) + ")/" + seconds + ")*" + seconds;
            }
            case "__unixEpochGroupAlias" -> macro("__unixEpochGroup", args) + " AS \"time\"";
            default -> throw new IllegalArgumentException("unknown macro \"" + name + "\"");
        };
    }

    private static String column(String name, List<String> args) {
        if (args.isEmpty() || args.get(0).isEmpty()) {
            throw new IllegalArgumentException("missing time column argument for macro " + name);
        }
        return args.get(0);
    }

    private static Duration group(String name, List<String> args) {
        if (args.size() < 2) {
            throw new IllegalArgumentException("macro " + name + " needs time column and interval and optional"
                    + " fill value");
        }
        return parseInterval(args.get(1).replaceAll("^'+|'+$", ""));
    }

    /** Grafana's gtime.ParseInterval for the forms dashboards use: a number and ms, s, m, h, d or w. */
    static Duration parseInterval(String text) {
        Matcher m = INTERVAL.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("error parsing interval " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** Go's %v of interval.Seconds(): 300, 0.02, 1036800. */
    private static String seconds(Duration d) {
        return new BigDecimal(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
    }

    /** gtime.FormatInterval: the largest unit the interval reaches, truncated (90m is 1h, 36h is 1d). */
    static String formatInterval(Duration d) {
        long ms = d.toMillis();
        long[] units = {365L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"y", "d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                return ms / units[i] + names[i];
            }
        }
        return "1ms";
    }

    private static String nanos(Instant t) {
        return new BigDecimal(t.getEpochSecond()).movePointRight(9).add(BigDecimal.valueOf(t.getNano()))
                .toPlainString();
    }

    /** Go's time.RFC3339Nano in UTC: 2018-04-12T18:00:00Z, 1960-02-01T07:00:00.5Z. */
    static String rfc3339(Instant t) {
        String seconds = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
        if (t.getNano() == 0) {
            return seconds + "Z";
        }
        String fraction = String.format("%09d", t.getNano()).replaceAll("0+$", "");
        return seconds + "." + fraction + "Z";
    }
}
