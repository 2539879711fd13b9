package io.octoflow.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template that is one path of names ({@code {{ item.source }}}) is looked up without Jinjava: it must give
 * exactly what Jinjava gives. {@code {{ (x) }}} is the same expression through Jinjava, for comparison.
 */
class TemplatePathTest {

    @TempDir
    Path dir;

    @Test
    void aPathGivesWhatJinjavaGivesForEveryKindOfValue() {
        Templates templates = new Templates(dir);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("text", "sensor-1");
        item.put("int", 7);
        item.put("long", 1_764_590_000_123L);
        item.put("double", 7.5);
        item.put("whole", 100.0);
        item.put("bool", true);
        item.put("nothing", null);
        item.put("list", new ArrayList<>(List.of(1, "a")));
        item.put("map", new LinkedHashMap<>(Map.of("k", "v")));
        item.put("items", "a key named like a dict method");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("item", item);
        context.put("__input__", Map.of("amount", 2.5));
        List<String> paths = new ArrayList<>();
        item.keySet().forEach(k -> paths.add("item." + k));
        paths.addAll(List.of("item", "__input__.amount", "item.missing", "missing", "missing.deeper", "item.text.x",
                "true", "None"));
        for (String path : paths) {
            Template direct = templates.compile("{{ " + path + " }}");
            Template jinjava = templates.compile("{{ (" + path + ") }}");
            assertThat(outcome(() -> direct.evaluate(context))).as("evaluate " + path)
                    .isEqualTo(outcome(() -> jinjava.evaluate(context)));
            assertThat(outcome(() -> direct.render(context))).as("render " + path)
                    .isEqualTo(outcome(() -> jinjava.render(context)));
        }
        assertThat(outcome(() -> templates.compile("{{ missing.deeper }}").evaluate(context))).isEqualTo("error");
        assertThat(outcome(() -> templates.compile("{{ item.double }}").evaluate(context))).isEqualTo("Double:7.5");
        assertThat(templates.compile("{{ item.int }}").render(context)).isEqualTo("7");
    }

    /** The value with its class, or "error" when the template fails. */
    private static Object outcome(Supplier<Object> call) {
        try {
            Object value = call.get();
            return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
        } catch (TemplateException e) {
            return "error";
        }
    }
}
