package io.octoflow.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.database.SqlTimes;
import io.octoflow.history.ExecutionWriter.End;
import io.octoflow.history.ExecutionWriter.Insert;
import io.octoflow.history.ExecutionWriter.Write;

/**
 * The SQL of one batch of {@link ExecutionWriter}: several runs' writes in one transaction, as three batched
 * statements at most (the rows inserted, the running rows ended, the steps of both). A run started and ended within
 * the same batch is inserted once, whole.
 */
final class ExecutionBatch {

    private final ExecutionRows rows;

    ExecutionBatch(ExecutionRows rows) {
        this.rows = rows;
    }

    /**
     * Writes {@code writes} on {@code c} (the caller commits).
     *
     * @return for each write, in order: true when written; false for an end that found no running row
     */
    boolean[] write(Connection c, List<Write> writes) throws SQLException {
        boolean[] written = new boolean[writes.size()];
        List<Insert> inserts = new ArrayList<>();
        Map<String, Integer> startedHere = new HashMap<>(); // a running row of this batch, by id: where in inserts
        List<Integer> ends = new ArrayList<>(); // the ends of rows already in the table, by their index in writes
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof Insert insert) {
                if (Execution.RUNNING.equals(insert.row().status())) {
                    startedHere.put(insert.row().id(), inserts.size());
                }
                inserts.add(insert);
                written[i] = true;
            } else {
                End end = (End) writes.get(i);
                Integer at = startedHere.remove(end.id());
                if (at != null) {
                    inserts.set(at, new Insert(ended(inserts.get(at).row(), end), inserts.get(at).replica()));
                    written[i] = true;
                } else {
                    ends.add(i);
                }
            }
        }
        insert(c, inserts);
        List<End> updated = end(c, writes, ends, written);
        try (PreparedStatement ps = c.prepareStatement(ExecutionRows.INSERT_STEP)) {
            boolean any = false;
            for (Insert insert : inserts) {
                any |= add(ps, insert.row().id(), insert.row().steps());
            }
            for (End end : updated) {
                any |= add(ps, end.id(), end.steps());
            }
            if (any) {
                ps.executeBatch();
            }
        }
        return written;
    }

    private boolean add(PreparedStatement ps, String id, List<io.octoflow.execution.StepRecord> steps)
            throws SQLException {
        rows.addSteps(ps, id, steps);
        return steps != null && !steps.isEmpty();
    }

    private void insert(Connection c, List<Insert> inserts) throws SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ExecutionRows.INSERT_OWNED)) {
            for (Insert insert : inserts) {
                Execution e = insert.row();
                rows.bindInsert(ps, e, e.status(), e.endedAt(), e.error(), e.data(), e.stepsDropped());
                ps.setString(13, insert.replica() == null ? null : Caps.clip(insert.replica(),
                        ExecutionRows.MAX_REPLICA));
                ps.setBoolean(14, rows.inputInData(e.data()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Ends the running rows of {@code ends}; marks which were found in {@code written}; returns those. */
    private List<End> end(Connection c, List<Write> writes, List<Integer> ends, boolean[] written)
            throws SQLException {
        if (ends.isEmpty()) {
            return List.of();
        }
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement(ExecutionWrites.FINISH)) {
            for (int i : ends) {
                End end = (End) writes.get(i);
                ps.setString(1, end.status());
                SqlTimes.set(ps, 2, end.endedAt());
                ps.setString(3, Caps.text(end.error(), Caps.ERROR_BYTES));
                ps.setString(4, rows.data(end.data()));
                ps.setBoolean(5, rows.inputInData(end.data()));
                ps.setInt(6, end.dropped());
                ps.setString(7, end.id());
                ps.addBatch();
            }
            counts = ps.executeBatch();
        }
        List<End> updated = new ArrayList<>();
        for (int k = 0; k < ends.size(); k++) {
            if (counts[k] > 0 || counts[k] == Statement.SUCCESS_NO_INFO) {
                written[ends.get(k)] = true;
                updated.add((End) writes.get(ends.get(k)));
            }
        }
        return updated;
    }

    /** A running row and its end, as one whole row. */
    private static Execution ended(Execution running, End end) {
        return new Execution(running.id(), running.flowName(), running.flowPath(), running.trigger(),
                running.scheduledAt(), running.startedAt(), end.endedAt(), end.status(), end.error(),
                running.input(), end.data(), end.steps() == null ? List.of() : end.steps(), end.dropped());
    }
}
