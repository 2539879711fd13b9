package io.octoflow.config;

/**
 * Where the {@code kafka} and {@code influx} steps connect when a step does not say: KAFKA_BROKERS (bootstrap
 * servers, host:port, comma-separated) and INFLUX_URL (an InfluxDB 1.x HTTP API).
 */
public record StreamSettings(String kafkaBrokers, String influxUrl) {

    public static final String DEFAULT_KAFKA_BROKERS = "localhost:9092";
    public static final String DEFAULT_INFLUX_URL = "http://localhost:8086";
}
