package io.octoflow.schedule;

import java.util.List;

/**
 * The schedules added over the API, kept across restarts and shared by the replicas of a cluster.
 * {@link JdbcApiScheduleStore} keeps them in the database next to the history.
 */
public interface ApiScheduleStore {

    /**
     * A stored schedule: what the API request set.
     *
     * @param firstFireAfterInterval an every_seconds schedule first fires one interval after it is applied (the
     *                               spooler API's way), not at once
     */
    record Stored(String id, String flowPath, String cron, Long everySeconds, Long timeoutSeconds,
            boolean firstFireAfterInterval) {
    }

    /** Every stored schedule, oldest first. */
    List<Stored> all();

    /** Stores (or replaces, by id) a schedule. */
    void save(Stored schedule);

    /** @return false when no schedule had that id */
    boolean remove(String id);
}
