package io.octoflow.task;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.SqlTimes;

/** Task definitions in the {@link Database} (table {@code tasks}); deleted ones stay, marked, as in rego. */
public final class JdbcTaskRepository implements TaskRepository {

    private static final String COLUMNS = "id, name, image, namespace, execution_interval, enabled, deleted, cmd,"
            + " args, metadata, next_execution_time, created_at, updated_at";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final Database database;
    private final ObjectMapper json = new ObjectMapper();

    public JdbcTaskRepository(Database database) {
        this.database = database;
    }

    @Override
    public void insert(Task task) {
        database.inTransaction("store task " + task.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, task);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public boolean update(Task task) {
        return database.inTransaction("update task " + task.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET id = ?, name = ?, image = ?,"
                    + " namespace = ?, execution_interval = ?, enabled = ?, deleted = ?, cmd = ?, args = ?,"
                    + " metadata = ?, next_execution_time = ?, created_at = ?, updated_at = ? WHERE id = ?")) {
                bind(ps, task);
                ps.setString(14, task.id());
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<Task> find(String id) {
        return database.inTransaction("read task " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Task> live() {
        return database.inTransaction("list tasks", c -> {
            List<Task> tasks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tasks WHERE deleted = FALSE ORDER BY created_at, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tasks.add(row(rs));
                }
            }
            return tasks;
        });
    }

    private void bind(PreparedStatement ps, Task t) throws SQLException {
        ps.setString(1, t.id());
        ps.setString(2, t.name());
        ps.setString(3, t.image());
        ps.setString(4, t.namespace());
        if (t.executionInterval() == null) {
            ps.setNull(5, Types.INTEGER);
        } else {
            ps.setInt(5, t.executionInterval());
        }
        ps.setBoolean(6, t.enabled());
        ps.setBoolean(7, t.deleted());
        ps.setString(8, text(t.cmd()));
        ps.setString(9, text(t.args()));
        ps.setString(10, t.metadata() == null || t.metadata().isNull() ? null : text(t.metadata()));
        SqlTimes.set(ps, 11, t.nextExecutionTime());
        SqlTimes.set(ps, 12, t.createdAt());
        SqlTimes.set(ps, 13, t.updatedAt());
    }

    private Task row(ResultSet rs) throws SQLException {
        int interval = rs.getInt(5);
        Integer executionInterval = rs.wasNull() ? null : interval;
        try {
            String metadata = rs.getString(10);
            return new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), executionInterval,
                    rs.getBoolean(6), rs.getBoolean(7), strings(rs.getString(8)), strings(rs.getString(9)),
                    metadata == null ? null : json.readTree(metadata), SqlTimes.get(rs, 11), SqlTimes.get(rs, 12),
                    SqlTimes.get(rs, 13));
        } catch (JsonProcessingException e) {
            throw new DatabaseException("task " + rs.getString(1) + ": stored JSON is unreadable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private List<String> strings(String text) throws JsonProcessingException {
        return text == null ? List.of() : json.readValue(text, STRINGS);
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot store " + value + ": " + e.getOriginalMessage(), e);
        }
    }
}
