package io.octoflow.history;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.database.Database;
import io.octoflow.database.SqlTimes;

/**
 * Deletes ended runs (their steps go by {@code ON DELETE CASCADE}): one by id, or by age and status in chunks. A
 * deletion by age or status (the purge at start and every hour, {@code DELETE /api/executions}) then compacts an
 * embedded H2 file, so that the space it freed, and the space of the pages later commits replaced (most of the
 * file), go back to the disk without a restart (issue 18 #13; figures in docs/BENCHMARKS.md).
 */
final class ExecutionRetention {

    private static final Logger LOG = LogManager.getLogger(ExecutionRetention.class);

    /** Rows deleted per transaction, so a large purge never blocks writers for long. */
    static final int DELETE_CHUNK = 5_000;
    private static final String DELETE_ONE = "DELETE FROM executions WHERE id = ?";
    /**
     * The most time one compaction may take; writers wait meanwhile. Measured: 1 to 2 s for a file of 60 to 120 MB
     * (5,000 runs); a larger file is shrunk further by the next purge.
     */
    static final Duration COMPACT_TIME = Duration.ofSeconds(5);

    private final Database database;

    ExecutionRetention(Database database) {
        this.database = database;
    }

    int deleteEnded(Integer olderThanDays, Set<String> statuses) {
        if (olderThanDays != null && olderThanDays < 0) {
            throw new IllegalArgumentException("older_than_days must be 0 or more, not " + olderThanDays);
        }
        if (statuses != null && statuses.isEmpty()) {
            return 0;
        }
        List<String> wanted = statuses == null ? null
                : statuses.stream().map(Execution::checkStatus).distinct().sorted().toList();
        StringBuilder where = new StringBuilder("ended_at IS NOT NULL");
        List<Object> args = new ArrayList<>();
        if (olderThanDays != null) {
            OffsetDateTime cutoff = SqlTimes.utc(Instant.now().minus(Duration.ofDays(olderThanDays)));
            // started_at <= ended_at: the first condition lets the started_at index narrow the scan
            where.append(" AND started_at < ? AND ended_at < ?");
            args.add(cutoff);
            args.add(cutoff);
        }
        if (wanted != null) {
            where.append(" AND status IN (").append(String.join(", ", Collections.nCopies(wanted.size(), "?")))
                    .append(")");
            args.addAll(wanted);
        }
        // A chunk of ids, then a batch of deletes by primary key, one transaction per chunk. (H2 re-runs a
        // "DELETE ... WHERE id IN (SELECT ... FETCH FIRST n)" subquery for every row: 14 s for 5,000 rows.)
        String select = "SELECT id FROM executions WHERE " + where + " FETCH FIRST " + DELETE_CHUNK + " ROWS ONLY";
        int total = 0;
        while (true) {
            int[] selectedDeleted = database.inTransaction("delete executions", c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(select)) {
                    ExecutionFilter.bind(ps, args);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    return new int[] {0, 0};
                }
                int deleted = 0;
                try (PreparedStatement ps = c.prepareStatement(DELETE_ONE)) {
                    for (String id : ids) {
                        ps.setString(1, id);
                        ps.addBatch();
                    }
                    for (int count : ps.executeBatch()) {
                        deleted += count == Statement.SUCCESS_NO_INFO ? 1 : count;
                    }
                }
                return new int[] {ids.size(), deleted};
            });
            total += selectedDeleted[1];
            if (selectedDeleted[0] < DELETE_CHUNK) {
                break;
            }
        }
        if (total > 0) {
            LOG.info("Deleted {} execution(s){}{}", total,
                    olderThanDays != null ? " ended more than " + olderThanDays + " day(s) ago" : "",
                    wanted != null ? " with status " + String.join(", ", wanted) : "");
        }
        // even when nothing was old enough: most of an H2 file is pages that later commits replaced
        database.compact(COMPACT_TIME);
        return total;
    }

    boolean delete(String id) {
        if (!ExecutionRows.validId(id)) {
            return false;
        }
        return database.inTransaction("delete execution " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(DELETE_ONE + " AND status NOT IN ('running', 'queued')")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
