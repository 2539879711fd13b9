package io.octoflow.config;

/**
 * The settings of the event triggers (a flow's {@code trigger:} block), documented in
 * {@code application.properties}.
 *
 * @param webhookWaitSeconds   how long a {@code respond: result} webhook waits for its run before answering 504 (the
 *                             run goes on)
 * @param filePollMillis       how often a {@code trigger: file} directory is scanned
 * @param flowChainMaxDepth    how many {@code trigger: flow} runs may follow one another from one first run: a chain
 *                             longer than this (a cycle a → b → a, say) stops, with a warning
 * @param kafkaRetryMillis     how long a {@code trigger: kafka} record whose run failed ({@code on_failure: retry}) or
 *                             was refused waits before it is read again
 * @param kafkaSessionTimeoutMillis how long the group waits for a silent {@code trigger: kafka} consumer (a replica
 *                             killed) before its partitions go to the others (Kafka's session.timeout.ms)
 * @param fileClaimRetentionDays cluster mode: how long the shared database remembers a file a {@code trigger: file}
 *                             flow took, once the file left its directory (a copy back unchanged runs again after)
 */
public record TriggerSettings(int webhookWaitSeconds, int filePollMillis, int flowChainMaxDepth,
        int kafkaRetryMillis, int kafkaSessionTimeoutMillis, int fileClaimRetentionDays) {

    public static final TriggerSettings DEFAULTS = new TriggerSettings(60, 1000, 10, 1000, 45_000, 30);
}
