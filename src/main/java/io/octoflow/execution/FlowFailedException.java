package io.octoflow.execution;

/** A sub-flow that ended failed: carries its (already masked) message up to the calling step. */
public class FlowFailedException extends RuntimeException {
    public FlowFailedException(String message) {
        super(message, null, false, false);
    }
}
