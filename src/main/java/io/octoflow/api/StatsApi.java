package io.octoflow.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.operations.FlowOperations;

/**
 * {@code GET /api/stats}: what the console charts, computed here from the history of the last minutes: runs per
 * time bucket by status, duration percentiles per flow and bucket, each scheduled run's lag (start minus the fire
 * time it was scheduled for), and the series flows publish under {@value ExecutionQuery#SERIES_KEY} in their final
 * data. Times are epoch milliseconds, lists are flat (one row per point) so that a chart groups them as it likes.
 */
final class StatsApi {

    static final int MAX_MINUTES = 1440;
    /** Runs read for one answer; a busier window is charted from its newest runs (the answer says so). */
    static final int MAX_RUNS = 10_000;
    static final int MAX_SERIES_RUNS = 2_000;

    private final FlowOperations operations;
    private final ObjectMapper json;

    StatsApi(FlowOperations operations, ObjectMapper json) {
        this.operations = operations;
        this.json = json;
    }

    Object stats(Exchange exchange) {
        int minutes = QueryParams.integer(exchange.getMessage().getHeader("minutes", String.class), "minutes", 60);
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new ApiException(400, "minutes: expected 1 to " + MAX_MINUTES + ", got " + minutes);
        }
        // about 60 buckets whatever the window: one minute for the last hour, 24 for a day
        long bucketMs = Math.max(1, minutes / 60) * 60_000L;
        Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant from = to.minus(Duration.ofMinutes(minutes));
        List<Execution> runs = operations.executions(new ExecutionQuery(null, null, from, null, MAX_RUNS, 0));

        Map<Long, Map<String, Integer>> counts = new TreeMap<>();
        Map<String, Map<Long, List<Long>>> durations = new TreeMap<>();
        List<Map<String, Object>> lag = new ArrayList<>();
        for (Execution run : runs) {
            long bucket = bucket(run.startedAt(), bucketMs);
            counts.computeIfAbsent(bucket, b -> new TreeMap<>()).merge(run.status(), 1, Integer::sum);
            if (run.endedAt() != null) {
                durations.computeIfAbsent(run.flowPath(), f -> new TreeMap<>())
                        .computeIfAbsent(bucket, b -> new ArrayList<>())
                        .add(Duration.between(run.startedAt(), run.endedAt()).toMillis());
            }
            if (run.scheduledAt() != null) {
                lag.add(point(run.flowPath(), run.scheduledAt().toEpochMilli(),
                        "lag_ms", Duration.between(run.scheduledAt(), run.startedAt()).toMillis()));
            }
        }
        List<Map<String, Object>> perBucket = new ArrayList<>();
        counts.forEach((bucket, byStatus) -> byStatus.forEach((status, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("t", bucket);
            row.put("status", status);
            row.put("count", n);
            perBucket.add(row);
        }));
        List<Map<String, Object>> percentiles = new ArrayList<>();
        durations.forEach((flow, buckets) -> buckets.forEach((bucket, ms) -> {
            List<Long> sorted = ms.stream().sorted().toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("flow", flow);
            row.put("t", bucket);
            row.put("runs", sorted.size());
            row.put("p50_ms", percentile(sorted, 50));
            row.put("p90_ms", percentile(sorted, 90));
            row.put("p99_ms", percentile(sorted, 99));
            row.put("max_ms", sorted.get(sorted.size() - 1));
            percentiles.add(row);
        }));
        lag.sort((a, b) -> Long.compare((Long) a.get("t"), (Long) b.get("t")));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from.toEpochMilli());
        body.put("to", to.toEpochMilli());
        body.put("bucket_ms", bucketMs);
        body.put("truncated", runs.size() >= MAX_RUNS);
        body.put("runs", perBucket);
        body.put("durations", percentiles);
        body.put("schedule_lag", lag);
        body.put("series", series(from));
        return body;
    }

    /** Every number under {@value ExecutionQuery#SERIES_KEY} in the final data of the window's ended runs. */
    private List<Map<String, Object>> series(Instant from) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (Execution run : operations.executions(new ExecutionQuery(null, null, from, null, MAX_SERIES_RUNS, 0)
                .withSeries())) {
            if (run.endedAt() == null || run.data() == null) {
                continue;
            }
            JsonNode values;
            try {
                values = json.readTree(run.data()).path(ExecutionQuery.SERIES_KEY);
            } catch (Exception notJson) {
                continue;
            }
            values.fields().forEachRemaining(field -> {
                Double value = number(field.getValue());
                if (value != null) {
                    Map<String, Object> point = point(run.flowPath(), run.endedAt().toEpochMilli(), "value", value);
                    point.put("name", field.getKey());
                    points.add(point);
                }
            });
        }
        points.sort((a, b) -> Long.compare((Long) a.get("t"), (Long) b.get("t")));
        return points;
    }

    /** A number, or a text that reads as one (a template renders numbers as text); null otherwise. */
    private static Double number(JsonNode value) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            try {
                double parsed = Double.parseDouble(value.asText().trim());
                return Double.isFinite(parsed) ? parsed : null;
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    private static Map<String, Object> point(String flow, long t, String key, Object value) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("flow", flow);
        point.put("t", t);
        point.put(key, value);
        return point;
    }

    private static long bucket(Instant at, long bucketMs) {
        return at.toEpochMilli() / bucketMs * bucketMs;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
