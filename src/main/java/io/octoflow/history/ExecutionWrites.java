package io.octoflow.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;

/**
 * The writes of the history other than a run's start and end (those go through {@link ExecutionWriter}): queued
 * launches, aborted and taken-over runs; each call is one short transaction on prepared statements.
 */
final class ExecutionWrites {

    static final String FINISH = "UPDATE executions SET status = ?, ended_at = ?, error = ?, data = ?,"
            + " input_in_data = ?, steps_dropped = ? WHERE id = ? AND status = 'running'";
    private static final String MARK_ABORTED =
            "UPDATE executions SET status = 'aborted', error = ?, ended_at = ? WHERE status = 'running'";
    private static final String MARK_REPLICA_ABORTED = "UPDATE executions SET status = 'aborted', error = ?,"
            + " ended_at = ? WHERE status = 'running' AND replica_id = ?";
    private static final String OWN = "UPDATE executions SET replica_id = ? WHERE id = ?";
    /** Conditional on the old owner: of several replicas taking over one dead replica's row, exactly one gets it. */
    private static final String TAKE_QUEUED =
            "UPDATE executions SET replica_id = ? WHERE id = ? AND replica_id = ? AND status = 'queued'";

    private static final String QUEUE = "INSERT INTO executions (" + ExecutionRows.COLUMNS
            + ", data, steps_dropped, queue_timeout_ms, queue_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String DEQUEUE =
            "UPDATE executions SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'";
    private static final String END_QUEUED =
            "UPDATE executions SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = 'queued'";

    private final Database database;
    private final ExecutionRows rows;

    ExecutionWrites(Database database, ExecutionRows rows) {
        this.database = database;
        this.rows = rows;
    }

    /** Same transaction as the insert: no other replica ever sees the row without its owner. */
    private static void own(Connection c, String id, String replica) throws SQLException {
        if (replica == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(OWN)) {
            ps.setString(1, Caps.clip(replica, ExecutionRows.MAX_REPLICA));
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    void queued(Execution e, Duration timeout, String replica, String eventJson) {
        ExecutionRows.checkRow(e);
        database.inDurableTransaction("record the queued launch " + e.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(QUEUE)) {
                rows.bindInsert(ps, e, Execution.QUEUED, null, null, null, 0);
                if (timeout == null) {
                    ps.setNull(13, Types.BIGINT);
                } else {
                    ps.setLong(13, timeout.toMillis());
                }
                ps.setString(14, eventJson);
                ps.executeUpdate();
            }
            own(c, e.id(), replica);
            return null;
        });
    }

    boolean dequeued(String id, Instant startedAt) {
        ExecutionRows.checkId(id);
        return database.inTransaction("record the start of the queued launch " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(DEQUEUE)) {
                SqlTimes.set(ps, 1, startedAt != null ? startedAt : Instant.now());
                ps.setString(2, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    boolean endQueued(String id, String status, String reason) {
        ExecutionRows.checkId(id);
        String s = Execution.checkStatus(status);
        if (!Execution.SKIPPED.equals(s) && !Execution.ABORTED.equals(s) && !Execution.FAILED.equals(s)) {
            throw new IllegalArgumentException("a queued launch that never ran ends skipped, aborted or failed, not "
                    + s);
        }
        return database.inTransaction("record the end of the queued launch " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(END_QUEUED)) {
                ps.setString(1, s);
                SqlTimes.set(ps, 2, Instant.now());
                ps.setString(3, Caps.text(reason, Caps.ERROR_BYTES));
                ps.setString(4, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    int markRunningAborted(String reason) {
        Instant now = Instant.now();
        int n = database.inTransaction("mark interrupted runs aborted", c -> {
            try (PreparedStatement ps = c.prepareStatement(MARK_ABORTED)) {
                ps.setString(1, Caps.text(reason, Caps.ERROR_BYTES));
                SqlTimes.set(ps, 2, now);
                return ps.executeUpdate();
            }
        });
        return n;
    }

    /** The running rows of {@code replica} become aborted, ended now, with {@code reason} as their error. */
    int markRunningAborted(String replica, String reason) {
        Instant now = Instant.now();
        return database.inTransaction("mark the runs of replica " + replica + " aborted", c -> {
            try (PreparedStatement ps = c.prepareStatement(MARK_REPLICA_ABORTED)) {
                ps.setString(1, Caps.text(reason, Caps.ERROR_BYTES));
                SqlTimes.set(ps, 2, now);
                ps.setString(3, replica);
                return ps.executeUpdate();
            }
        });
    }

    /** Gives each of {@code rows} (queued rows of {@code from}) to {@code to}; the rows it got, in their order. */
    List<QueuedLaunch> takeQueued(List<QueuedLaunch> rows, String from, String to) {
        String owner = Caps.clip(to, ExecutionRows.MAX_REPLICA);
        return database.inTransaction("take over the queued launches of replica " + from, c -> {
            List<QueuedLaunch> taken = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(TAKE_QUEUED)) {
                for (QueuedLaunch row : rows) {
                    ps.setString(1, owner);
                    ps.setString(2, row.execution().id());
                    ps.setString(3, from);
                    if (ps.executeUpdate() > 0) {
                        taken.add(row);
                    }
                }
            }
            return taken;
        });
    }
}
