package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.support.ServiceFixture;

class SmokeApiTest {
    @TempDir
    Path root;

    @Test
    void launchesAndWaits() throws Exception {
        try (ServiceFixture service = new ServiceFixture(root)) {
            service.files().flow("hello.yml", "name: hello\nsteps:\n  - name: greet\n    type: set_fact\n    set_fact:\n      value: hi\n");
            service.start();
            ServiceFixture.Response answer = service.post("/api/flows/launch?wait=true", "{\"path\": \"hello.yml\"}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().at("/data/greet").asText()).isEqualTo("hi");
        }
    }
}
