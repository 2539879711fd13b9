package io.octoflow.history;

import java.time.Instant;

/** When the latest successful run of a flow (name and path as recorded) ended. */
public record LastSuccess(String flowName, String flowPath, Instant ended) {
}
