package io.octoflow.step.types;

/** A send of a {@code kafka} step that failed: its message names the brokers and the topic. */
final class KafkaStepException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    KafkaStepException(String message, Throwable cause) {
        super(message, cause);
    }
}
