package io.octoflow.trigger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.camel.spi.IdempotentRepository;

import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.SqlTimes;

/**
 * The files one {@code trigger: file} flow took, in the database the replicas of a cluster share (table
 * {@code file_trigger_taken}), as camel-file's idempotent repository. Its consumer is eager: a scan that finds a
 * file adds its key, and skips the file when the add is refused. Adding inserts the row; the primary key refuses a
 * second insert, so of several replicas scanning one shared directory exactly one claims and runs each file. A
 * file that is not to count (a refused launch: the file stays for the next scan) is removed again; a finished one
 * stays, so the file never runs twice while it is there; once it moved out, {@link FileClaimsPruner} forgets it after
 * FILE_TRIGGER_CLAIM_RETENTION_DAYS.
 */
final class SharedFileClaims implements IdempotentRepository {

    /** SQLSTATE of a unique-key violation, on PostgreSQL and H2 alike. */
    private static final String DUPLICATE = "23505";

    private final Database database;
    private final String flowId;

    SharedFileClaims(Database database, String flowId) {
        this.database = database;
        this.flowId = flowId;
    }

    @Override
    public boolean add(String key) {
        try {
            return database.inTransaction("claim file " + key + " of " + flowId, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO file_trigger_taken (flow_id, file_key, taken_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, flowId);
                    ps.setString(2, key);
                    SqlTimes.set(ps, 3, Instant.now());
                    return ps.executeUpdate() == 1;
                }
            });
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException sql && DUPLICATE.equals(sql.getSQLState())) {
                return false; // taken: by another replica, or earlier
            }
            throw e;
        }
    }

    @Override
    public boolean contains(String key) {
        return database.inTransaction("look up file " + key + " of " + flowId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM file_trigger_taken WHERE flow_id = ? AND file_key = ?")) {
                ps.setString(1, flowId);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public boolean remove(String key) {
        return database.inTransaction("release file " + key + " of " + flowId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM file_trigger_taken WHERE flow_id = ? AND file_key = ?")) {
                ps.setString(1, flowId);
                ps.setString(2, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Deletes the claims taken before {@code before} but those {@code kept} (a claim whose file is still there);
     * how many.
     */
    int forget(Instant before, Predicate<String> kept) {
        return database.inTransaction("forget the files of " + flowId + " taken before " + before, c -> {
            List<String> old = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT file_key FROM file_trigger_taken WHERE flow_id = ? AND taken_at < ?")) {
                ps.setString(1, flowId);
                SqlTimes.set(ps, 2, before);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        old.add(rs.getString(1));
                    }
                }
            }
            int forgotten = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM file_trigger_taken WHERE flow_id = ? AND file_key = ? AND taken_at < ?")) {
                for (String key : old) {
                    if (!kept.test(key)) {
                        ps.setString(1, flowId);
                        ps.setString(2, key);
                        SqlTimes.set(ps, 3, before);
                        forgotten += ps.executeUpdate();
                    }
                }
            }
            return forgotten;
        });
    }

    @Override
    public boolean confirm(String key) {
        return true; // the row is written by add
    }

    @Override
    public void clear() {
        database.inTransaction("forget the files of " + flowId, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_trigger_taken WHERE flow_id = ?")) {
                ps.setString(1, flowId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void start() {
        // the table is Flyway's
    }

    @Override
    public void stop() {
        // the pool is the history's
    }
}
