package io.octoflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** DATASOURCES and DATASOURCE_<NAME>_*: read, defaulted, and refused with the setting's name. */
class DatasourceSettingsTest {

    @Test
    void namedDatasourcesAreRead() {
        OctoflowConfig config = OctoflowConfig.from(Map.of("DATASOURCES", " warehouse, ci_metrics ",
                "DATASOURCE_WAREHOUSE_URL", "jdbc:postgresql://db/w", "DATASOURCE_WAREHOUSE_SECRET", "w_db",
                "DATASOURCE_WAREHOUSE_POOL_SIZE", "9", "DATASOURCE_CI_METRICS_URL", "jdbc:h2:mem:ci"));
        assertThat(config.datasources()).containsOnlyKeys("warehouse", "ci_metrics");
        assertThat(config.datasources().get("warehouse"))
                .isEqualTo(new DatasourceSettings("warehouse", "jdbc:postgresql://db/w", "w_db", 9));
        assertThat(config.datasources().get("ci_metrics"))
                .isEqualTo(new DatasourceSettings("ci_metrics", "jdbc:h2:mem:ci", null, 4));
        assertThat(OctoflowConfig.from(Map.of()).datasources()).isEmpty();
        assertThat(OctoflowConfig.propertyKey("DATASOURCE_CI_METRICS_URL"))
                .isEqualTo("octoflow.datasource-ci-metrics-url");
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("DATASOURCES", "warehouse")))
                .hasMessageStartingWith("DATASOURCE_WAREHOUSE_URL: datasource 'warehouse'");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("DATASOURCES", "w", "DATASOURCE_W_URL", "postgres://x")))
                .hasMessageContaining("does not start with jdbc:");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("DATASOURCES", "Bad-Name")))
                .hasMessageStartingWith("DATASOURCES: 'Bad-Name' is not a datasource name");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("DATASOURCES", "default")))
                .hasMessageContaining("'default' is DB_URL's");
        assertThatThrownBy(() -> OctoflowConfig.from(Map.of("DATASOURCES", "w", "DATASOURCE_W_URL", "jdbc:h2:mem:w",
                "DATASOURCE_W_POOL_SIZE", "0"))).hasMessageStartingWith("DATASOURCE_W_POOL_SIZE");
    }

    @Test
    void theUrlIsNotPrinted() {
        assertThat(new DatasourceSettings("w", "jdbc:postgresql://db/w?password=hunter22", null, 4).toString())
                .doesNotContain("hunter22");
    }
}
