package io.octoflow.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;
import io.octoflow.execution.StepRecord;

/** Reads runs: one, a page, a count, and the figures the scheduler and the metrics start from. */
final class ExecutionQueries {

    static final String FIND =
            "SELECT " + ExecutionRows.COLUMNS + ", data, steps_dropped, input_in_data FROM executions WHERE id = ?";
    static final String FIND_STEPS = "SELECT step, status, started_at, duration_micros, error, attempt"
            + " FROM execution_steps WHERE execution_id = ? ORDER BY seq";
    // ORDER BY repeats the equality column so that H2, like PostgreSQL, reads the (flow_path, scheduled_at) index
    // backwards and stops at the first row instead of sorting the flow's whole history.
    static final String LAST_SCHEDULED =
            "SELECT scheduled_at FROM executions WHERE flow_path = ? AND scheduled_at IS NOT NULL"
                    + " ORDER BY flow_path DESC, scheduled_at DESC LIMIT 1";
    static final String LAST_SUCCESSES =
            "SELECT flow_name, flow_path, MAX(ended_at) FROM executions WHERE status IN ('success', 'exit')"
                    + " GROUP BY flow_name, flow_path";

    static final String QUEUED = "SELECT " + ExecutionRows.COLUMNS + ", queue_timeout_ms, queue_event"
            + " FROM executions"
            + " WHERE status = 'queued' ORDER BY status, started_at, id";
    static final String QUEUED_OF = "SELECT " + ExecutionRows.COLUMNS + ", queue_timeout_ms, queue_event"
            + " FROM executions"
            + " WHERE status = 'queued' AND replica_id = ? ORDER BY status, started_at, id";
    static final String OWNERS = "SELECT DISTINCT replica_id FROM executions"
            + " WHERE status IN ('running', 'queued') AND replica_id IS NOT NULL";

    private final Database database;
    private final int maxStepsPerRun;

    ExecutionQueries(Database database, int maxStepsPerRun) {
        this.database = database;
        this.maxStepsPerRun = maxStepsPerRun;
    }

    Optional<Execution> find(String id) {
        if (!ExecutionRows.validId(id)) {
            return Optional.empty();
        }
        return database.inTransaction("read execution " + id, c -> {
            String data;
            int dropped;
            Execution row;
            try (PreparedStatement ps = c.prepareStatement(FIND)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    dropped = rs.getInt(12);
                    row = ExecutionRows.read(rs, rs.getString(11), rs.getBoolean(13), List.of(), dropped);
                    data = row.data();
                }
            }
            List<StepRecord> steps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(FIND_STEPS)) {
                ps.setString(1, id);
                ps.setMaxRows(maxStepsPerRun); // rows written before the cap existed are not all read either
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        steps.add(ExecutionRows.readStep(rs));
                    }
                }
            }
            return Optional.of(new Execution(row.id(), row.flowName(), row.flowPath(), row.trigger(),
                    row.scheduledAt(), row.startedAt(), row.endedAt(), row.status(), row.error(), row.input(),
                    data, steps, dropped));
        });
    }

    /** The SELECT of a page of {@code q} (its arguments: {@link ExecutionFilter#bind}). */
    static String listSql(ExecutionQuery q, ExecutionFilter filter) {
        return "SELECT " + ExecutionRows.COLUMNS + ", steps_dropped" + (q.series() ? ", data, input_in_data" : "")
                + " FROM executions" + filter.where
                + " ORDER BY " + ExecutionFilter.order(q) + " LIMIT " + q.limit() + " OFFSET " + q.offset();
    }

    List<Execution> list(ExecutionQuery q) {
        ExecutionFilter filter = new ExecutionFilter(q);
        String sql = listSql(q, filter);
        return database.inTransaction("list executions", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                filter.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Execution> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(q.series()
                                ? ExecutionRows.read(rs, rs.getString(12), rs.getBoolean(13), List.of(), rs.getInt(11))
                                : ExecutionRows.read(rs, null, List.of(), rs.getInt(11)));
                    }
                    return rows;
                }
            }
        });
    }

    List<QueuedLaunch> queuedLaunches() {
        return database.inTransaction("read the queued launches", c -> {
            try (PreparedStatement ps = c.prepareStatement(QUEUED)) {
                return queued(ps);
            }
        });
    }

    List<QueuedLaunch> queuedLaunchesOf(String replica) {
        return database.inTransaction("read the queued launches of replica " + replica, c -> {
            try (PreparedStatement ps = c.prepareStatement(QUEUED_OF)) {
                ps.setString(1, replica);
                return queued(ps);
            }
        });
    }

    private static List<QueuedLaunch> queued(PreparedStatement ps) throws SQLException {
        List<QueuedLaunch> queued = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long millis = rs.getLong(11);
                Duration timeout = rs.wasNull() ? null : Duration.ofMillis(millis);
                queued.add(new QueuedLaunch(ExecutionRows.read(rs, null, List.of(), 0), timeout, rs.getString(12)));
            }
        }
        return queued;
    }

    Set<String> ownersOfUnfinished() {
        return database.inTransaction("read the replicas of running and queued rows", c -> {
            Set<String> owners = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(OWNERS); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
            return owners;
        });
    }

    long count(ExecutionQuery q) {
        ExecutionFilter filter = new ExecutionFilter(q);
        String sql = "SELECT COUNT(*) FROM executions" + filter.where;
        return database.inTransaction("count executions", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                filter.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    Optional<Instant> lastScheduledFire(String flowPath) {
        if (flowPath == null || flowPath.isBlank()) {
            return Optional.empty();
        }
        return database.inTransaction("read the last fire of " + flowPath, c -> {
            try (PreparedStatement ps = c.prepareStatement(LAST_SCHEDULED)) {
                ps.setString(1, Caps.clip(flowPath, ExecutionRows.MAX_FLOW_PATH));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(SqlTimes.get(rs, 1)) : Optional.empty();
                }
            }
        });
    }

    List<LastSuccess> lastSuccesses() {
        return database.inTransaction("read the last successful runs", c -> {
            List<LastSuccess> last = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(LAST_SUCCESSES); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant ended = SqlTimes.get(rs, 3);
                    if (ended != null) {
                        last.add(new LastSuccess(rs.getString(1), rs.getString(2), ended));
                    }
                }
            }
            return last;
        });
    }
}
