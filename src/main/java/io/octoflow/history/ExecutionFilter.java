package io.octoflow.history;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.octoflow.database.SqlTimes;

/** The {@code WHERE} clause of an {@link ExecutionQuery}, with its arguments, and the order of its page. */
final class ExecutionFilter {

    final String where;
    final List<Object> args = new ArrayList<>();

    ExecutionFilter(ExecutionQuery q) {
        List<String> conditions = new ArrayList<>();
        if (q.flow() != null) {
            conditions.add("flow_name = ?");
            args.add(q.flow());
        }
        if (q.path() != null) {
            conditions.add("flow_path = ?");
            args.add(q.path());
        }
        if (q.status() != null) {
            conditions.add("status = ?");
            args.add(q.status());
        }
        if (q.trigger() != null) {
            conditions.add("trigger_type = ?");
            args.add(q.trigger());
        }
        if (q.series()) { // the key as JSON writes it; a run's data is checked again when read
            conditions.add("data LIKE ?");
            args.add("%\"" + ExecutionQuery.SERIES_KEY + "\"%");
        }
        if (q.from() != null) {
            conditions.add("started_at >= ?");
            args.add(SqlTimes.utc(q.from()));
        }
        if (q.to() != null) {
            conditions.add("started_at < ?");
            args.add(SqlTimes.utc(q.to()));
        }
        if (q.statuses() != null) {
            if (q.statuses().isEmpty()) {
                conditions.add("1 = 0");
            } else {
                conditions.add("status IN (" + String.join(", ", Collections.nCopies(q.statuses().size(), "?")) + ")");
                args.addAll(q.statuses().stream().sorted().toList());
            }
        }
        if (q.endedFrom() != null) {
            conditions.add("ended_at >= ?");
            args.add(SqlTimes.utc(q.endedFrom()));
        }
        if (q.endedTo() != null) {
            conditions.add("ended_at <= ?");
            args.add(SqlTimes.utc(q.endedTo()));
        }
        where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /**
     * Newest start first. Repeating an equality-filtered column in ORDER BY lets H2 walk the matching index backwards
     * and stop after one page; PostgreSQL does the same either way.
     */
    static String order(ExecutionQuery q) {
        return q.path() != null ? "flow_path DESC, started_at DESC"
                : q.flow() != null ? "flow_name DESC, started_at DESC"
                : q.status() != null && q.statuses() == null ? "status DESC, started_at DESC"
                : "started_at DESC";
    }

    void bind(PreparedStatement ps) throws SQLException {
        bind(ps, args);
    }

    static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setString(i + 1, (String) arg);
            }
        }
    }
}
