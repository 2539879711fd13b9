package io.octoflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.service.FlowDirectory;
import io.octoflow.support.FlowFixture.LogCapture;
import io.octoflow.support.ServiceFixture;

/**
 * Issue 18 #17: a file dropped in with the name of an existing flow, sorting before it, took that flow's name at
 * the next start, and the real flow was rejected with its schedule gone. Flows are identified by their path: both
 * files run with their own schedule, at every start, and one warning names both files, whichever came first.
 */
class SharedFlowNameTest {

    @TempDir
    Path root;

    private static String flow(String value) {
        return """
                name: report
                every_seconds: 3600
                steps:
                  - name: who
                    type: set_fact
                    set_fact:
                      value: %s
                """.formatted(value);
    }

    @Test
    void bothFilesOfOneNameKeepTheirScheduleAcrossARestartAndBothAreReported() throws Exception {
        for (int start = 0; start < 2; start++) {
            ServiceFixture service = new ServiceFixture(root);
            if (start == 0) {
                service.files().flow("z-report.yml", flow("the real one"));
                service.files().flow("a-report.yml", flow("dropped in, sorts first"));
            }
            try (LogCapture log = new LogCapture(FlowDirectory.class.getName())) {
                service.start();
                for (String path : new String[] {"a-report.yml", "z-report.yml"}) {
                    assertThat(service.service().directory().flowAt(path)).as(path).isNotNull();
                    assertThat(service.service().scheduler().entries()).as("schedule of " + path)
                            .anyMatch(e -> e.path().equals(path));
                }
                assertThat(service.get("/api/flows").json().get("invalid_files")).isEmpty();
                assertThat(log.lines()).filteredOn(l -> l.contains("is shared by")).singleElement()
                        .satisfies(l -> assertThat(l).contains("'report'").contains("a-report.yml, z-report.yml"));
                var launch = service.post("/api/flows/launch?wait=true", "{\"path\": \"z-report.yml\"}");
                assertThat(launch.json().at("/data/who").asText()).isEqualTo("the real one");
            } finally {
                service.close();
            }
        }
    }
}
