package io.octoflow.schedule;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.flow.FlowDefinition;

/**
 * The schedules added over the API ({@code source = api}): applied to the {@link Scheduler} and kept in an
 * {@link ApiScheduleStore}, so that a restart applies them again and a removal is for good. In cluster mode every
 * replica {@link #sync syncs} with the store on its heartbeat: a schedule another replica added gets its route here
 * (its Quartz trigger, shared, is found by its id), one another replica removed loses it. Every change holds the
 * scheduler's lock, as {@code DeployedFlowOperations} does for its check and add: one lock order, no deadlock.
 */
public final class ApiSchedules {

    public static final String SOURCE = "api";
    private static final Logger LOG = LogManager.getLogger(ApiSchedules.class);

    private final Scheduler scheduler;
    private final ApiScheduleStore store;
    /** The deployed flow at a path, null when none. */
    private final Function<String, FlowDefinition> flowAt;
    /** Stored schedules whose flow is not deployed: warned about once, applied when the flow is back. */
    private final Set<String> waitingForFlow = new HashSet<>();

    public ApiSchedules(Scheduler scheduler, ApiScheduleStore store, Function<String, FlowDefinition> flowAt) {
        this.scheduler = scheduler;
        this.store = store;
        this.flowAt = flowAt;
    }

    /** Stores the schedule, then applies it (the row first: a replica's {@link #sync} never sees it half-added). */
    public void add(ScheduleEntry entry, boolean firstFireAfterInterval) throws Exception {
        synchronized (scheduler) {
            store.save(new ApiScheduleStore.Stored(entry.id(), entry.path(), entry.cron(), entry.everySeconds(),
                    entry.timeoutSeconds(), firstFireAfterInterval));
            try {
                apply(entry, firstFireAfterInterval);
            } catch (Exception | Error e) {
                store.remove(entry.id());
                throw e;
            }
        }
    }

    /** Removes the schedule here (in cluster mode from the shared job store too) and from the store. */
    public boolean remove(String id) throws Exception {
        synchronized (scheduler) {
            boolean stored = store.remove(id);
            boolean applied = scheduler.remove(id);
            return stored || applied;
        }
    }

    /** At start, once the flows are deployed: applies every stored schedule. */
    public void restore() {
        synchronized (scheduler) {
            restoreAll();
        }
    }

    private void restoreAll() {
        int applied = 0;
        for (ApiScheduleStore.Stored stored : store.all()) {
            if (applyStored(stored)) {
                applied++;
            }
        }
        if (applied > 0) {
            LOG.info("{} schedule(s) added over the API applied again", applied);
        }
    }

    /**
     * Cluster mode, on every heartbeat: applies the stored schedules this replica lacks (added by another replica,
     * or whose flow is deployed now), and drops the API schedules no longer stored (removed by another replica).
     */
    public void sync() {
        synchronized (scheduler) {
            syncAll();
        }
    }

    private void syncAll() {
        try {
            List<ApiScheduleStore.Stored> all = store.all();
            Set<String> ids = new HashSet<>();
            for (ApiScheduleStore.Stored stored : all) {
                ids.add(stored.id());
                if (scheduler.find(stored.id()).isEmpty()) {
                    applyStored(stored);
                }
            }
            for (ScheduleEntry entry : scheduler.entries()) {
                if (SOURCE.equals(entry.source()) && !ids.contains(entry.id())) {
                    scheduler.remove(entry.id());
                    LOG.info("schedule {} of flow {}: removed on another replica", entry.id(), entry.path());
                }
            }
        } catch (Exception e) {
            LOG.warn("syncing the schedules added over the API: {}", e.getMessage());
        }
    }

    private boolean applyStored(ApiScheduleStore.Stored stored) {
        FlowDefinition flow = flowAt.apply(stored.flowPath());
        if (flow == null) {
            if (waitingForFlow.add(stored.id())) {
                LOG.warn("schedule {} ({}) added over the API: no flow is deployed at '{}'; it applies once one is"
                        + " (DELETE /api/flows/{} removes it)", stored.id(), describe(stored), stored.flowPath(),
                        stored.id());
            }
            return false;
        }
        try {
            apply(Scheduler.entry(stored.id(), flow, SOURCE, stored.cron(), stored.everySeconds(),
                    stored.timeoutSeconds()), stored.firstFireAfterInterval());
            waitingForFlow.remove(stored.id());
            return true;
        } catch (Exception e) {
            LOG.warn("schedule {} of flow {} added over the API cannot be applied: {}", stored.id(),
                    stored.flowPath(), e.getMessage());
            return false;
        }
    }

    private void apply(ScheduleEntry entry, boolean firstFireAfterInterval) throws Exception {
        if (firstFireAfterInterval) {
            scheduler.addFiringAfterOneInterval(entry);
        } else {
            scheduler.add(entry);
        }
    }

    private static String describe(ApiScheduleStore.Stored stored) {
        return stored.cron() != null ? "cron '" + stored.cron() + "'" : "every " + stored.everySeconds() + " s";
    }
}
