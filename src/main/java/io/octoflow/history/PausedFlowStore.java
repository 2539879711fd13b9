package io.octoflow.history;

import java.util.Set;

/**
 * The flows whose schedules are paused ({@code POST /api/flows/{id}/pause}, JMX {@code pause()}), by path: they stay
 * paused across restarts. {@link JdbcPausedFlowStore} keeps them in the database next to the history.
 */
public interface PausedFlowStore {

    /** The paths of the flows whose schedules are paused, sorted. */
    Set<String> pausedFlows();

    /**
     * Pauses or resumes the schedules of the flow at {@code flowPath}.
     *
     * @return true when that changed something
     * @throws IllegalArgumentException when the path is blank or too long to store
     */
    boolean setPaused(String flowPath, boolean paused);
}
