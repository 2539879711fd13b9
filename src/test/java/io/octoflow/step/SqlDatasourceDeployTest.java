package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;

/**
 * A started service does not deploy a flow whose {@code sql} step names a datasource DATASOURCES does not list: the
 * file is an invalid one of GET /api/flows, with the field's line and column and the names that exist, and
 * POST /api/validate says the same (as {@code octoflow validate} does, see CliTest).
 */
class SqlDatasourceDeployTest {

    private static final String REPORT = """
            name: report
            steps:
              - name: misspelt
                type: sql
                sql:
                  datasource: warehous
                  query: SELECT 1
            """;

    @TempDir
    Path root;

    @Test
    void aFlowNamingAnUnknownDatasourceIsNotDeployedAndSaysWhichExist() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root).set("DATASOURCES", "warehouse")
                .set("DATASOURCE_WAREHOUSE_URL", "jdbc:h2:mem:never-connected")) {
            service.files().flow("report.yml", REPORT);
            service.start();
            assertInvalid(service);
        }
    }

    private static void assertInvalid(ServiceFixture service) {
        JsonNode invalid = service.get("/api/flows").json().path("invalid_files");
        assertThat(invalid).hasSize(1);
        assertThat(invalid.get(0).path("path").asText()).isEqualTo("report.yml");
        JsonNode problem = invalid.get(0).path("problems").get(0);
        assertThat(problem.path("line").asInt()).isEqualTo(6);
        assertThat(problem.path("column").asInt()).isEqualTo(19);
        assertThat(problem.path("message").asText()).contains("step 'misspelt': sql.datasource: unknown datasource"
                + " 'warehous' (configured: default, warehouse;");

        // POST /api/validate checks it as the deploy does
        JsonNode validation = service.post("/api/validate", REPORT).json();
        assertThat(validation.path("valid").asBoolean()).isFalse();
        assertThat(validation.path("problems")).singleElement().satisfies(p -> {
            assertThat(p.path("line").asInt()).isEqualTo(6);
            assertThat(p.path("message").asText()).contains("unknown datasource 'warehous' (configured: default,"
                    + " warehouse;");
        });
    }
}
