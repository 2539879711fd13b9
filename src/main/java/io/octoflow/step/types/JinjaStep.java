package io.octoflow.step.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Renders a template from TEMPLATES_PATH (parsed once, when the flow loads). As on the spooler, the template sees
 * only the keys of the data_key value (a mapping): no other flow data, no special variables; without data_key it
 * sees nothing. {@code parse} turns the output into data.
 */
public final class JinjaStep implements StepType<JinjaStep.Settings> {

    record Settings(Template template, String parse) {
    }

    @Override
    public String type() {
        return "jinja";
    }

    @Override
    public String description() {
        return "Renders a Jinja template from TEMPLATES_PATH; optionally parses the output as JSON or YAML.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("path", Kind.STRING, "Template path relative to TEMPLATES_PATH."),
                Key.optional("data_key", Kind.STRING, "A mapping in the flow data whose keys are the template's"
                        + " variables (the only ones it sees)."),
                Key.oneOf("parse", null, List.of("json", "yaml"), "Parse the output; default: keep the text."));
    }

    @Override
    public String example() {
        return """
                - name: render summary
                  type: jinja
                  result_key: summary
                  jinja:
                    path: summary.j2
                    data_key: tickets
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        Template template = compiler.templateFile(block.get("path"));
        return new Settings(template, block.get("parse") == null ? null : block.get("parse").text());
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        var json = build.services().json();
        String dataKey = build.step().dataKey();
        build.route().process(exchange -> {
            Object input = exchange.getMessage().getBody();
            Map<String, Object> context = new HashMap<>();
            if (input instanceof Map<?, ?> map) {
                map.forEach((k, v) -> context.put(String.valueOf(k), v));
            } else if (dataKey != null) {
                throw new IllegalArgumentException("jinja.data_key '" + dataKey + "' must hold a mapping (its keys are"
                        + " the template's variables), found " + (input == null ? "null"
                        : input instanceof java.util.Collection ? "a list" : input.getClass().getSimpleName()));
            }
            String text = settings.template().render(context);
            Object result = text;
            if ("json".equals(settings.parse())) {
                result = text.isBlank() ? null : json.readValue(text, Object.class);
            } else if ("yaml".equals(settings.parse())) {
                result = PyYaml.load(text); // yaml.safe_load: YAML 1.1 as PyYAML reads it
            }
            exchange.getMessage().setBody(result);
        }).id(build.id());
    }
}
