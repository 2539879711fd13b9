package io.octoflow.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings the engine needs, read from the spooler's environment variables (a JVM system property of the
 * same name wins, which is how tests and the benchmark configure a run without touching the environment).
 */
public record OctoflowConfig(
        Path dataPath,
        Path flowsPath,
        Path templatesPath,
        Path secretsPath,
        int flowMaxWorkers,
        long flowTimeoutSeconds,
        String vaultToken) {

    public static OctoflowConfig fromEnvironment() {
        return from(name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(name);
        });
    }

    public static OctoflowConfig from(Map<String, String> values) {
        return from(values::get);
    }

    public static OctoflowConfig from(Function<String, String> lookup) {
        Path data = Path.of(value(lookup, "DATA_PATH", "data"));
        Path flows = Path.of(value(lookup, "FLOWS_PATH", "routes"));
        Path templates = Path.of(value(lookup, "TEMPLATES_PATH", "templates"));
        String secrets = lookup.apply("SECRETS_PATH");
        return new OctoflowConfig(
                data.toAbsolutePath().normalize(),
                flows.toAbsolutePath().normalize(),
                templates.toAbsolutePath().normalize(),
                secrets == null || secrets.isBlank()
                        ? data.resolve("secrets.yml").toAbsolutePath().normalize()
                        : Path.of(secrets).toAbsolutePath().normalize(),
                positiveInt(lookup, "FLOW_MAX_WORKERS", 8),
                positiveInt(lookup, "FLOW_TIMEOUT_SECONDS", 600),
                lookup.apply("HASHICORP_VAULT_TOKEN"));
    }

    private static String value(Function<String, String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int positiveInt(Function<String, String> lookup, String name, int fallback) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": expected a positive whole number, got '" + value + "'");
    }

    @Override
    public String toString() {
        // never print the vault token
        return "OctoflowConfig[data=" + dataPath + ", flows=" + flowsPath + ", templates=" + templatesPath
                + ", secrets=" + secretsPath + ", workers=" + flowMaxWorkers + ", timeout=" + flowTimeoutSeconds + "s]";
    }
}
