package io.octoflow.schedule;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Schedule ids that every replica (and every start) computes alike: a name-based UUID of where the schedule comes
 * from, the flow's path and its timing. In cluster mode the id is the key of the schedule's Quartz trigger in the
 * shared job store, so a replica that starts finds the trigger the others already run instead of adding its own.
 */
public final class ScheduleIds {

    private ScheduleIds() {
    }

    /**
     * @param source where the schedule comes from: {@code file}, {@code config}, {@code api}...
     * @param path   the flow's path under FLOWS_PATH
     */
    public static String of(String source, String path, String cron, Long everySeconds) {
        String timing = cron != null ? "cron " + cron.trim() : "every " + everySeconds;
        return UUID.nameUUIDFromBytes((source + "\n" + path + "\n" + timing).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
