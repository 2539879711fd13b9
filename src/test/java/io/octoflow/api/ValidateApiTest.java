package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * {@code POST /api/validate} with one validator shared by every request: a sub-flow changed on disk is read again
 * on the next request, and requests at once get the answers they would get alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidateApiTest {

    private static final String CALLER = """
            name: caller
            steps:
              - name: call the library
                type: flow
                flow:
                  path: lib/sub.yml
            """;
    private static final String GOOD_SUB = """
            name: sub
            steps:
              - name: say
                type: debug
            """;
    private static final String BAD_SUB = """
            name: sub
            steps:
              - name: say
                type: bogus
            """;

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root);
        service.files().flow("lib/sub.yml", GOOD_SUB);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void aSubFlowChangedOnDiskIsReadAgainByTheNextRequest() {
        assertThat(validate(CALLER).get("valid").asBoolean()).isTrue();

        service.files().flow("lib/sub.yml", BAD_SUB);
        JsonNode broken = validate(CALLER);
        assertThat(broken.get("valid").asBoolean()).isFalse();
        // the sub-flow's problem names its file and line; the request's own problem (the call) names none
        assertThat(broken.get("problems")).hasSize(2).anySatisfy(p -> {
            assertThat(p.path("file").asText()).endsWith("lib/sub.yml");
            assertThat(p.get("line").asInt()).isEqualTo(4);
            assertThat(p.get("message").asText()).contains("bogus");
        }).anySatisfy(p -> {
            assertThat(p.has("file")).isFalse();
            assertThat(p.get("line").asInt()).isEqualTo(6);
            assertThat(p.get("message").asText()).contains("lib/sub.yml").contains("invalid");
        });

        service.files().flow("lib/sub.yml", GOOD_SUB);
        assertThat(validate(CALLER).get("valid").asBoolean()).isTrue();
    }

    @Test
    void requestsAtOnceGetTheAnswersTheyGetAlone() throws Exception {
        String bad = "name: bad\nsteps:\n  - name: a\n    type: bogus\n";
        String good = "name: good\nsteps:\n  - name: a\n    type: debug\n";
        String badAlone = validate(bad).toString();
        String goodAlone = validate(good).toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> bads = new ArrayList<>();
            List<Future<String>> goods = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                bads.add(pool.submit(() -> validate(bad).toString()));
                goods.add(pool.submit(() -> validate(good).toString()));
            }
            for (int i = 0; i < 16; i++) {
                assertThat(bads.get(i).get()).isEqualTo(badAlone);
                assertThat(goods.get(i).get()).isEqualTo(goodAlone);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(badAlone).contains("\"line\":4").doesNotContain("\"file\"");
    }

    private JsonNode validate(String yaml) {
        Response answer = service.post("/api/validate", yaml);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }
}
