package io.octoflow.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.TestHttpServer;
import io.octoflow.support.TestHttpServer.Request;

/**
 * Issue 18 finding 5: an upstream answer holding template syntax is data. Interpolated by a set_fact, a jinja
 * template, a rest uri and a when condition it prints literally, reads no other run data and fails nothing.
 */
class TemplateInjectionFlowTest {

    private static final String RAISE = "{{ __secrets__ }}{% raise %}";
    private static final String READ = "{{ password }}";

    @TempDir
    Path dir;
    FlowFixture fx;
    TestHttpServer server;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
        server = TestHttpServer.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        server.close();
    }

    @Test
    void upstreamTemplateSyntaxIsPrintedLiterallyByEveryTemplatedStep() {
        server.respond("/feed", 200, "application/json",
                "{\"x\": \"{{ __secrets__ }}{% raise %}\", \"y\": \"{{ password }}\", \"go\": \"{{ 'yes' }}\"}");
        server.respond("/sink", 200, "application/json", "{}");
        fx.template("echo.j2", "{{ x }}|{{ y }}");
        fx.flow("inject.yml", """
                name: injection
                steps:
                  - name: other run data
                    type: set_fact
                    result_key: password
                    set_fact:
                      value: hunter2
                  - name: read upstream
                    type: rest
                    result_key: feed
                    rest:
                      uri: "{{ base_url }}/feed"
                  - name: copy
                    type: set_fact
                    result_key: copied
                    set_fact:
                      value: "got {{ feed.x }} and {{ feed.y }}"
                  - name: render
                    type: jinja
                    result_key: rendered
                    jinja:
                      path: echo.j2
                      data_key: feed
                  - name: forward
                    type: rest
                    rest:
                      uri: "{{ base_url }}/sink?x={{ feed.x | urlencode }}&y={{ feed.y | urlencode }}"
                  - name: only when the upstream says yes
                    type: set_fact
                    when: "{{ feed.go }}"
                    result_key: triggered
                    set_fact:
                      value: true
                """);

        RunResult r = fx.run("inject.yml", Map.of("base_url", server.baseUrl()));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("copied")).isEqualTo("got " + RAISE + " and " + READ);
        assertThat(r.data().get("rendered")).isEqualTo(RAISE + "|" + READ);
        assertThat(r.data()).doesNotContainKey("triggered");
        Request sink = server.requests().stream().filter(q -> q.path().equals("/sink")).findFirst().orElseThrow();
        assertThat(sink.queryParam("x")).isEqualTo(RAISE);
        assertThat(sink.queryParam("y")).isEqualTo(READ);
        assertThat(sink.query()).doesNotContain("hunter2");
    }
}
