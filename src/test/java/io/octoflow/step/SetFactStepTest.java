package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

class SetFactStepTest {

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
    void nestedValuesAreTemplatedAndKeepTheirShape() {
        fx.flow("nested.yml", """
                name: set fact nested
                steps:
                  - name: headline
                    type: set_fact
                    result_key: summary
                    set_fact:
                      value:
                        text: "{{ tickets | length }} ticket(s) for {{ team | upper }}"
                        owner:
                          name: "{{ team }}"
                          fixed: plain text
                        ids: ["first", "{{ tickets[0].id }}", 7]
                        enabled: true
                        nothing: null
                        count: 3
                """);

        RunResult r = fx.run("nested.yml", Map.of("team", "ops",
                "tickets", List.of(Map.of("id", "T-1"), Map.of("id", "T-2"))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) r.data().get("summary");
        assertThat(summary).containsOnlyKeys("text", "owner", "ids", "enabled", "nothing", "count");
        assertThat(summary).containsEntry("text", "2 ticket(s) for OPS")
                .containsEntry("owner", Map.of("name", "ops", "fixed", "plain text"))
                .containsEntry("enabled", true)
                .containsEntry("nothing", null);
        assertThat(((Number) summary.get("count")).intValue()).isEqualTo(3);
        List<?> ids = (List<?>) summary.get("ids");
        assertThat(ids).hasSize(3);
        assertThat(ids.subList(0, 2)).isEqualTo(List.of("first", "T-1"));
        assertThat(((Number) ids.get(2)).intValue()).isEqualTo(7);
        assertThat(r.data()).doesNotContainKey("headline");
    }

    @Test
    void aStringValueStoresTheRenderedTextAndAMappingKeepsItsTypes() {
        fx.flow("native.yml", """
                name: set fact native
                steps:
                  - name: the list
                    type: set_fact
                    set_fact:
                      value: "{{ tickets }}"
                  - name: the map
                    type: set_fact
                    set_fact:
                      value: "{{ tickets[1] }}"
                  - name: the count
                    type: set_fact
                    set_fact:
                      value: "{{ tickets | length }}"
                  - name: the sum
                    type: set_fact
                    set_fact:
                      value: "{{ n + 1 }}"
                  - name: the flag
                    type: set_fact
                    set_fact:
                      value: "{{ n > 1 }}"
                  - name: with spaces
                    type: set_fact
                    set_fact:
                      value: "  {{ tickets | map(attribute='id') | list }}  "
                  - name: mixed text
                    type: set_fact
                    set_fact:
                      value: "n={{ n }}"
                  - name: nested single
                    type: set_fact
                    set_fact:
                      value:
                        items: "{{ tickets }}"
                """);

        List<Map<String, String>> tickets = List.of(Map.of("id", "T-1"), Map.of("id", "T-2"));
        RunResult r = fx.run("native.yml", Map.of("tickets", tickets, "n", 2));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        // a string value stores the rendered text, as on the spooler (Python's str() of the values)
        assertThat(r.data().get("the list")).isInstanceOf(String.class);
        assertThat(r.data().get("the map")).isInstanceOf(String.class);
        assertThat(r.data().get("the count")).isEqualTo("2");
        assertThat(r.data().get("the sum")).isEqualTo("3");
        assertThat(r.data().get("the flag")).isInstanceOf(String.class);
        assertThat((String) r.data().get("with spaces")).contains("T-1", "T-2");
        assertThat(r.data().get("mixed text")).isEqualTo("n=2");
        // a mapping keeps its structure (ours: the spooler fails on non-string values)
        assertThat(r.data().get("nested single")).isEqualTo(Map.of("items", tickets));
    }

    @Test
    void aValueCanBeOverwrittenByALaterStep() {
        fx.flow("overwrite.yml", """
                name: set fact overwrite
                steps:
                  - name: value
                    type: set_fact
                    set_fact:
                      value: first
                  - name: again
                    type: set_fact
                    result_key: value
                    set_fact:
                      value: "{{ value }} then second"
                """);

        RunResult r = fx.run("overwrite.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(FlowFixture.stored(r.data())).isEqualTo(Map.of("value", "first then second"));
    }
}
