package io.octoflow.history;

import java.time.Duration;

/**
 * A launch waiting for its flow's lock, as the history keeps it: its {@code queued} row (input included) and the
 * timeout its launch had, so that a restart can queue it again as it was.
 */
public record QueuedLaunch(Execution execution, Duration timeout) {
}
