package io.octoflow.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import io.octoflow.database.SqlTimes;
import io.octoflow.execution.StepRecord;
import io.octoflow.execution.Trigger;

/**
 * How a run maps onto the tables {@code executions} and {@code execution_steps}: the columns, the checks before a
 * write, the caps applied to what is written (JSON texts, error texts, steps per run) and the reading of a row.
 */
final class ExecutionRows {

    static final int MAX_ID = 64;
    static final int MAX_FLOW_NAME = 1024;
    static final int MAX_FLOW_PATH = 4096;
    /** executions.replica_id, as octoflow_replicas.id. */
    static final int MAX_REPLICA = 200;
    static final int MAX_STEP_NAME = 1024;
    static final int MAX_STEP_STATUS = 32;

    /** The summary columns, in the order {@link #read} reads them; {@code data} and the dropped count follow. */
    static final String COLUMNS =
            "id, flow_name, flow_path, trigger_type, scheduled_at, started_at, ended_at, status, error, input";
    /**
     * A whole row with its owner (cluster mode) and whether its data's {@code __input__} is the input column
     * ({@link ExecutionData}), as the batches of {@link ExecutionBatch} write it.
     */
    static final String INSERT_OWNED = "INSERT INTO executions (" + COLUMNS
            + ", data, steps_dropped, replica_id, input_in_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_STEP =
            "INSERT INTO execution_steps (execution_id, seq, step, status, started_at, duration_micros, error,"
                    + " attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final int jsonCapBytes;
    private final int maxStepsPerRun;

    ExecutionRows(int jsonCapBytes, int maxStepsPerRun) {
        if (jsonCapBytes < Caps.MIN_JSON_BYTES) {
            throw new IllegalArgumentException("the JSON cap must be at least " + Caps.MIN_JSON_BYTES
                    + " bytes, not " + jsonCapBytes);
        }
        if (maxStepsPerRun < 1) {
            throw new IllegalArgumentException("the cap on steps per run must be at least 1, not " + maxStepsPerRun);
        }
        this.jsonCapBytes = jsonCapBytes;
        this.maxStepsPerRun = maxStepsPerRun;
    }

    int jsonCapBytes() {
        return jsonCapBytes;
    }

    int maxStepsPerRun() {
        return maxStepsPerRun;
    }

    String json(String json) {
        return Caps.json(json, jsonCapBytes);
    }

    /** The data column of a run's final data as handed to the repository (see {@link ExecutionData}), capped. */
    String data(String data) {
        return json(ExecutionData.stored(data));
    }

    /** The input_in_data column: the data was handed over without __input__ and is stored whole (not capped). */
    boolean inputInData(String data) {
        if (!ExecutionData.inputLeftOut(data)) {
            return false;
        }
        String stored = ExecutionData.stored(data);
        return json(stored) == stored;
    }

    /** How many of {@code steps} are beyond the cap and not written. */
    int dropped(List<StepRecord> steps) {
        return steps == null ? 0 : Math.max(0, steps.size() - maxStepsPerRun);
    }

    /** Binds the first 12 columns of {@link #INSERT_OWNED}: the run's, up to steps_dropped. */
    void bindInsert(PreparedStatement ps, Execution e, String status, Instant endedAt, String error, String data,
                    int stepsDropped) throws SQLException {
        ps.setString(1, e.id());
        ps.setString(2, e.flowName());
        ps.setString(3, Caps.clip(e.flowPath(), MAX_FLOW_PATH));
        ps.setString(4, Trigger.of(e.trigger()).label());
        SqlTimes.set(ps, 5, e.scheduledAt());
        SqlTimes.set(ps, 6, e.startedAt());
        SqlTimes.set(ps, 7, endedAt);
        ps.setString(8, status);
        ps.setString(9, Caps.text(error, Caps.ERROR_BYTES));
        ps.setString(10, json(e.input()));
        ps.setString(11, data(data));
        ps.setInt(12, stepsDropped);
    }

    /** Writes the steps up to the cap, in order, as one batch; returns how many were left out. */
    int insertSteps(Connection c, String id, List<StepRecord> steps) throws SQLException {
        if (steps == null || steps.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_STEP)) {
            int left = addSteps(ps, id, steps);
            ps.executeBatch();
            return left;
        }
    }

    /** Adds the steps up to the cap to the batch of {@code ps} ({@link #INSERT_STEP}); returns how many were left out. */
    int addSteps(PreparedStatement ps, String id, List<StepRecord> steps) throws SQLException {
        if (steps == null || steps.isEmpty()) {
            return 0;
        }
        int kept = Math.min(steps.size(), maxStepsPerRun);
        for (int seq = 0; seq < kept; seq++) {
            StepRecord step = steps.get(seq);
            ps.setString(1, id);
            ps.setInt(2, seq);
            ps.setString(3, Caps.clip(step.step() == null ? "" : step.step(), MAX_STEP_NAME));
            ps.setString(4, Caps.clip(step.status() == null ? "" : step.status(), MAX_STEP_STATUS));
            SqlTimes.set(ps, 5, step.start());
            ps.setLong(6, step.durationMicros());
            ps.setString(7, Caps.text(step.error(), Caps.ERROR_BYTES));
            ps.setInt(8, Math.max(1, step.attempt()));
            ps.addBatch();
        }
        return steps.size() - kept;
    }

    /** A run from the {@link #COLUMNS} of {@code rs}; {@code data} as stored is made whole with the input column. */
    static Execution read(ResultSet rs, String data, List<StepRecord> steps, int stepsDropped) throws SQLException {
        return read(rs, data, false, steps, stepsDropped);
    }

    /** As {@link #read(ResultSet, String, List, int)}, the row's input_in_data given. */
    static Execution read(ResultSet rs, String data, boolean inputInData, List<StepRecord> steps, int stepsDropped)
            throws SQLException {
        String input = rs.getString(10);
        return new Execution(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                SqlTimes.get(rs, 5), SqlTimes.get(rs, 6), SqlTimes.get(rs, 7), rs.getString(8), rs.getString(9),
                input, ExecutionData.whole(data, inputInData, input), steps, stepsDropped);
    }

    /** A step from {@code step, status, started_at, duration_micros, error, attempt}. */
    static StepRecord readStep(ResultSet rs) throws SQLException {
        return new StepRecord(rs.getString(1), rs.getString(2), SqlTimes.get(rs, 3), rs.getLong(4), rs.getString(5),
                rs.getInt(6));
    }

    static boolean validId(String id) {
        return id != null && !id.isBlank() && id.length() <= MAX_ID;
    }

    static void checkId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("execution id is missing");
        }
        if (id.length() > MAX_ID) {
            throw new IllegalArgumentException("execution id is longer than " + MAX_ID + " characters: " + id);
        }
    }

    static void checkRow(Execution e) {
        if (e == null) {
            throw new IllegalArgumentException("execution is missing");
        }
        checkId(e.id());
        if (e.flowName() == null || e.flowName().isBlank()) {
            throw new IllegalArgumentException("execution " + e.id() + " has no flow name");
        }
        if (e.flowName().length() > MAX_FLOW_NAME) {
            throw new IllegalArgumentException("execution " + e.id() + ": flow name longer than " + MAX_FLOW_NAME
                    + " characters");
        }
        try {
            Trigger.of(e.trigger());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("execution " + e.id() + ": " + ex.getMessage(), ex);
        }
        if (e.startedAt() == null) {
            throw new IllegalArgumentException("execution " + e.id() + " has no start time");
        }
    }
}
