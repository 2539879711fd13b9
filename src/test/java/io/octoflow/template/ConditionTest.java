package io.octoflow.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A when condition holds only when {{ condition }} renders true, 1 or yes (any case), as on the spooler. */
class ConditionTest {

    @TempDir
    Path dir;

    private boolean holds(String condition, Map<String, Object> data) {
        return new Templates(dir).condition(condition).test(data);
    }

    @Test
    void onlyTrueOneAndYesHold() {
        Map<String, Object> data = Map.of("t", true, "one", 1, "two", 2, "yes", "YES", "on", "on",
                "list", List.of(1), "f", false);
        assertThat(holds("t", data)).isTrue();
        assertThat(holds("one", data)).isTrue();
        assertThat(holds("yes", data)).isTrue();
        assertThat(holds("{{ t }}", data)).isTrue();
        assertThat(holds("two", data)).isFalse();
        assertThat(holds("on", data)).isFalse();
        assertThat(holds("list", data)).isFalse();
        assertThat(holds("f", data)).isFalse();
        assertThat(holds("list | length > 0", data)).isTrue();
    }

    @Test
    void anUndefinedNameIsFalseButItsAttributeIsAnError() {
        assertThat(holds("missing", Map.of())).isFalse();
        assertThat(holds("missing is not defined", Map.of())).isTrue();
        assertThatThrownBy(() -> holds("missing.attr", Map.of())).isInstanceOf(TemplateException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void renderGivesJinja2TextAndEvaluateKeepsTheTypedValue() {
        Templates templates = new Templates(dir);
        Map<String, Object> data = Map.of("l", List.of("a", "b"));
        assertThat(templates.compile("{{ l }}").render(data)).isEqualTo("['a', 'b']");
        assertThat(templates.compile("{{ l }}").evaluate(data)).isEqualTo(List.of("a", "b"));
        assertThat(templates.compile("x\n").render(data)).isEqualTo("x");
        assertThatThrownBy(() -> templates.compile("{{ l | no_such_filter }}").render(data))
                .isInstanceOf(TemplateException.class).hasMessageContaining("no_such_filter");
    }

    @Test
    void templatesKeepJinjavasSandbox() {
        Templates templates = new Templates(dir);
        assertThatThrownBy(() -> templates.compile("{{ ''.getClass().forName('java.lang.Runtime') }}").render(Map.of()))
                .isInstanceOf(TemplateException.class);
        assertThatThrownBy(() -> templates.compile("{{ d.getClass() }}").render(Map.of("d", Map.of("k", 1))))
                .isInstanceOf(TemplateException.class);
    }
}
