package io.octoflow.schedule;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;

/** API-added schedules in the table {@code api_schedules} of the {@link Database} (Flyway V11). */
public final class JdbcApiScheduleStore implements ApiScheduleStore {

    /** api_schedules.flow_path, as paused_flows.flow_path. */
    static final int MAX_PATH = 1024;
    static final int MAX_CRON = 512;

    private final Database database;

    public JdbcApiScheduleStore(Database database) {
        this.database = database;
    }

    @Override
    public List<Stored> all() {
        return database.inTransaction("read the API's schedules", c -> {
            List<Stored> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT schedule_id, flow_path, cron, every_seconds,"
                    + " timeout_seconds, first_fire_after_interval FROM api_schedules ORDER BY added_at, schedule_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, Long.class),
                            rs.getObject(5, Long.class), rs.getBoolean(6)));
                }
            }
            return all;
        });
    }

    @Override
    public void save(Stored schedule) {
        if (schedule.flowPath().length() > MAX_PATH) {
            throw new IllegalArgumentException("path: expected at most " + MAX_PATH + " characters to store the"
                    + " schedule, got " + schedule.flowPath().length());
        }
        if (schedule.cron() != null && schedule.cron().length() > MAX_CRON) {
            throw new IllegalArgumentException("cron: expected at most " + MAX_CRON + " characters, got "
                    + schedule.cron().length());
        }
        database.inTransaction("store schedule " + schedule.id(), c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM api_schedules WHERE schedule_id = ?")) {
                delete.setString(1, schedule.id());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO api_schedules (schedule_id, flow_path,"
                    + " cron, every_seconds, timeout_seconds, first_fire_after_interval, added_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, schedule.id());
                insert.setString(2, schedule.flowPath());
                insert.setString(3, schedule.cron());
                setLong(insert, 4, schedule.everySeconds());
                setLong(insert, 5, schedule.timeoutSeconds());
                insert.setBoolean(6, schedule.firstFireAfterInterval());
                SqlTimes.set(insert, 7, Instant.now());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean remove(String id) {
        return database.inTransaction("remove schedule " + id, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM api_schedules WHERE schedule_id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate() > 0;
            }
        });
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws java.sql.SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
