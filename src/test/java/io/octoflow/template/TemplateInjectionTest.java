package io.octoflow.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data is never template source (issue 18 finding 5): a value holding {@code {{ }}}, {@code {% %}} or
 * {@code {# #}} prints as text wherever it is interpolated, as in Jinja2. Jinjava's default "nested
 * interpretation" renders such a value again, which lets an upstream read other run data or fail the flow.
 * Expected texts are Jinja2's (checked with Python's jinja2).
 */
class TemplateInjectionTest {

    private static final String HOSTILE = "{{ secret }}<b>{% raise %}</b>{# c #}{{ 7 * 7 }}";
    private static final Map<String, Object> DATA = Map.of("x", HOSTILE, "secret", "S3CR3T",
            "items", List.of(HOSTILE), "row", Map.of("v", HOSTILE));

    @TempDir
    Path templatesDir;

    private String render(String template) {
        return new Templates(templatesDir).compile(template).render(DATA);
    }

    @Test
    void anInterpolatedValueIsPrintedNotRendered() {
        assertThat(render("{{ x }}")).isEqualTo(HOSTILE);
        assertThat(render("before {{ x }} after")).isEqualTo("before " + HOSTILE + " after");
        assertThat(render("{{ row.v }}|{{ row['v'] }}")).isEqualTo(HOSTILE + "|" + HOSTILE);
        assertThat(render("{% for i in items %}{{ i }}{% endfor %}")).isEqualTo(HOSTILE);
        assertThat(render("{% set y = x %}{{ y }}")).isEqualTo(HOSTILE);
        assertThat(render("{{ 'p:' ~ x }}")).isEqualTo("p:" + HOSTILE);
        assertThat(render("{% if x %}{{ x }}{% endif %}")).isEqualTo(HOSTILE);
        assertThat(render("{% macro m(v) %}{{ v }}{% endmacro %}{{ m(x) }}")).isEqualTo(HOSTILE);
        assertThat(render("{% filter upper %}{{ x }}{% endfilter %}")).isEqualTo(HOSTILE.toUpperCase());
    }

    @Test
    void aSingleExpressionEvaluatesToTheValueItself() {
        assertThat(new Templates(templatesDir).compile("{{ x }}").evaluate(DATA)).isEqualTo(HOSTILE);
        assertThat(new Templates(templatesDir).compile("{{ items }}").evaluate(DATA)).isEqualTo(List.of(HOSTILE));
    }

    @Test
    void striptagsRemovesTagsWithoutRenderingTheText() {
        // Jinja2: Markup(value).striptags(); Jinjava's striptags renders its input first
        assertThat(render("{{ x | striptags }}")).isEqualTo("{{ secret }}{% raise %}{# c #}{{ 7 * 7 }}");
    }

    @Test
    void theRenderFilterDoesNotExist() {
        // Jinja2 has no `render` filter: TemplateAssertionError "No filter named 'render'"
        assertThatThrownBy(() -> render("{{ x | render }}")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("No filter named 'render'");
    }

    @Test
    void aValueInAConditionIsNotRendered() {
        // rendered again, "{{ 'yes' }}" would make the step run
        Condition condition = new Templates(templatesDir).condition("flag");
        assertThat(condition.test(Map.of("flag", "{{ 'yes' }}"))).isFalse();
        assertThat(condition.test(Map.of("flag", "yes"))).isTrue();
    }
}
