package io.octoflow.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;

/** Paused flows in the table {@code paused_flows} of the {@link Database}. */
public final class JdbcPausedFlowStore implements PausedFlowStore {

    /** paused_flows.flow_path, a primary key: kept within what a PostgreSQL index entry holds. */
    static final int MAX_PAUSED_PATH = 1024;

    private final Database database;

    public JdbcPausedFlowStore(Database database) {
        this.database = database;
    }

    @Override
    public Set<String> pausedFlows() {
        return database.inTransaction("read the paused flows", c -> {
            Set<String> paused = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT flow_path FROM paused_flows ORDER BY flow_path");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    paused.add(rs.getString(1));
                }
            }
            return paused;
        });
    }

    @Override
    public boolean setPaused(String flowPath, boolean paused) {
        if (flowPath == null || flowPath.isBlank() || flowPath.length() > MAX_PAUSED_PATH) {
            throw new IllegalArgumentException("flow path: expected 1 to " + MAX_PAUSED_PATH + " characters");
        }
        return database.inTransaction((paused ? "pause " : "resume ") + flowPath, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM paused_flows WHERE flow_path = ?")) {
                delete.setString(1, flowPath);
                int removed = delete.executeUpdate();
                if (!paused) {
                    return removed > 0;
                }
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO paused_flows (flow_path, paused_at) VALUES (?, ?)")) {
                    insert.setString(1, flowPath);
                    SqlTimes.set(insert, 2, Instant.now());
                    insert.executeUpdate();
                }
                return removed == 0;
            }
        });
    }
}
