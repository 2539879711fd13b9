package io.octoflow.history;

import java.time.Duration;

/**
 * A launch waiting for its flow's lock, as the history keeps it: its {@code queued} row (input included), the
 * timeout its launch had and the event of an event trigger (its {@code __trigger__} as JSON, else null), so that a
 * restart can queue it again as it was.
 */
public record QueuedLaunch(Execution execution, Duration timeout, String eventJson) {

    public QueuedLaunch(Execution execution, Duration timeout) {
        this(execution, timeout, null);
    }
}
