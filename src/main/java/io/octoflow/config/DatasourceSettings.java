package io.octoflow.config;

/**
 * One named database flows reach with the {@code sql} step ({@code datasource: <name>}), as configured by
 * {@code DATASOURCES} and the {@code DATASOURCE_<NAME>_*} settings.
 *
 * @param name        the name flows use (lower case: letters, digits, {@code _})
 * @param url         its JDBC URL ({@code DATASOURCE_<NAME>_URL})
 * @param secret      the secrets.yml entry whose {@code username} and {@code password} log in
 *                    ({@code DATASOURCE_<NAME>_SECRET}); null: the URL alone
 * @param maxPoolSize connections kept at most ({@code DATASOURCE_<NAME>_POOL_SIZE})
 */
public record DatasourceSettings(String name, String url, String secret, int maxPoolSize) {

    /** The environment variable of one of its settings: {@code DATASOURCE_CI_METRICS_URL}. */
    public static String variable(String name, String setting) {
        return "DATASOURCE_" + name.toUpperCase(java.util.Locale.ROOT) + "_" + setting;
    }

    @Override
    public String toString() {
        // the URL may carry a password
        return "DatasourceSettings[" + name + ", secret=" + secret + ", pool=" + maxPoolSize + "]";
    }
}
