package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.support.FlowFixture;

class JinjaStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void rendersATemplateFileWithOnlyTheDataKeysKeys() {
        fx.template("report.j2", """
                Report for {{ team }} ({{ __timestamp__ | length }} digit stamp)
                {% for t in tickets %}- {{ t.id }}: {{ t.title | upper }}
                {% endfor %}""");
        fx.flow("report.yml", """
                name: jinja report
                steps:
                  - name: report
                    type: jinja
                    jinja:
                      path: report.j2
                      data_key: report_input
                """);

        RunResult r = fx.run("report.yml", Map.of("report_input", Map.of("team", "ops", "tickets",
                List.of(Map.of("id", "T-1", "title", "disk full"), Map.of("id", "T-2", "title", "cpu")))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        // special variables are not visible to a jinja step's template, as on the spooler
        assertThat(r.data().get("report")).isEqualTo("""
                Report for ops (0 digit stamp)
                - T-1: DISK FULL
                - T-2: CPU
                """);
    }

    @Test
    void onlyTheDataKeysKeysAreVisibleNotTheFlowDataNorData() {
        fx.template("ticket.j2", "{{ id }}|{{ data }}|{{ title }}|{{ other }}|{{ ticket }}");
        fx.flow("keyed.yml", """
                name: jinja data key
                steps:
                  - name: ticket line
                    type: jinja
                    jinja:
                      path: ticket.j2
                      data_key: ticket
                  - name: no data key
                    type: jinja
                    jinja:
                      path: ticket.j2
                """);

        RunResult r = fx.run("keyed.yml", Map.of("other", "from data",
                "ticket", Map.of("id", "T-7", "title", "printer", "tags", List.of("a", "b"))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("ticket line")).isEqualTo("T-7||printer||");
        assertThat(r.data().get("no data key")).isEqualTo("||||");
    }

    @Test
    void aListDataKeyFailsTheStep() {
        fx.template("list.j2", "{{ x }}");
        fx.flow("list.yml", """
                name: jinja list key
                steps:
                  - name: list line
                    type: jinja
                    jinja:
                      path: list.j2
                      data_key: tags
                """);

        RunResult r = fx.run("list.yml", Map.of("tags", List.of("a", "b")));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("list line").contains("jinja.data_key 'tags' must hold a mapping");
    }

    @Test
    void parsesTheOutputAsYamlOrJson() {
        fx.template("payload.yml.j2", """
                summary: "{{ title }}"
                ticket: "{{ id }}"
                urgent: {{ 'true' if priority == 'high' else 'false' }}
                labels:
                {% for l in labels %}  - {{ l }}
                {% endfor %}""");
        fx.template("payload.json.j2", """
                {"id": "{{ id }}", "count": {{ labels | length }}, "labels": {{ labels | tojson }}}
                """);
        fx.flow("parse.yml", """
                name: jinja parse
                steps:
                  - name: as yaml
                    type: jinja
                    jinja:
                      path: payload.yml.j2
                      data_key: ticket
                      parse: yaml
                  - name: as json
                    type: jinja
                    jinja:
                      path: payload.json.j2
                      data_key: ticket
                      parse: json
                """);

        RunResult r = fx.run("parse.yml", Map.of("ticket",
                Map.of("id", "T-1", "title", "disk full", "priority", "high", "labels", List.of("x", "y"))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("as yaml")).isEqualTo(Map.of(
                "summary", "disk full", "ticket", "T-1", "urgent", true, "labels", List.of("x", "y")));
        assertThat(r.data().get("as json")).isEqualTo(Map.of("id", "T-1", "count", 2, "labels", List.of("x", "y")));
    }

    @Test
    void includesAnotherTemplate() {
        fx.template("parts/header.j2", "== {{ title }} ==");
        fx.template("page.j2", "{% include 'parts/header.j2' %}\nbody of {{ title }}");
        fx.flow("include.yml", """
                name: jinja include
                steps:
                  - name: page
                    type: jinja
                    jinja:
                      path: page.j2
                      data_key: page_input
                """);

        RunResult r = fx.run("include.yml", Map.of("page_input", Map.of("title", "News")));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("page")).isEqualTo("== News ==\nbody of News");
    }

    @Test
    void outputThatDoesNotParseFailsTheStep() {
        fx.template("bad.j2", "{ not json at all");
        fx.flow("badparse.yml", """
                name: jinja bad parse
                steps:
                  - name: render
                    type: jinja
                    jinja:
                      path: bad.j2
                      parse: json
                """);

        RunResult r = fx.run("badparse.yml");

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("render");
    }

    @Test
    void missingOrBrokenTemplatesAreInvalid() {
        fx.template("broken.j2", "{% for x in %}");
        fx.flow("missing.yml", """
                name: jinja missing
                steps:
                  - name: render
                    type: jinja
                    jinja:
                      path: absent.j2
                  - name: render broken
                    type: jinja
                    jinja:
                      path: broken.j2
                """);

        assertThatThrownBy(() -> fx.load("missing.yml"))
                .isInstanceOfSatisfying(InvalidFlowException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).line()).isEqualTo(6);
                    assertThat(e.problems().get(0).message()).contains("render").contains("absent.j2");
                });
        // a template that does not parse fails only when the step runs on the spooler: a warning
        assertThat(fx.engine().catalog().warnings(fx.flows().resolve("missing.yml"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.line()).isEqualTo(10);
                    assertThat(p.message()).contains("render broken").contains("broken.j2");
                });
    }
}
