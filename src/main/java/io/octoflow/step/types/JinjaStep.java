package io.octoflow.step.types;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Renders a template from TEMPLATES_PATH (parsed once, when the flow loads). The template sees the flow data and
 * the special variables, plus {@code data}: the data_key value, whose keys are also visible directly when it is
 * a mapping. {@code parse} turns the output into data.
 */
public final class JinjaStep implements StepType {

    private static final YAMLMapper YAML = new YAMLMapper();

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
                Key.optional("data_key", Kind.STRING, "Input, visible as 'data' (and its keys) in the template."),
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
    public Object compile(StepCompiler compiler, YNode block) {
        Template template = compiler.templateFile(block.get("path"));
        return new Settings(template, block.get("parse") == null ? null : block.get("parse").text());
    }

    @Override
    public void build(StepBuild build) {
        Settings settings = build.settings(Settings.class);
        var json = build.services().json();
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            Object input = exchange.getMessage().getBody();
            Map<String, Object> context = run.templateContext();
            if (input instanceof Map<?, ?> map) {
                map.forEach((k, v) -> context.put(String.valueOf(k), v));
            }
            context.put("data", input);
            String text = settings.template().render(context);
            Object result = text;
            if ("json".equals(settings.parse())) {
                result = text.isBlank() ? null : json.readValue(text, Object.class);
            } else if ("yaml".equals(settings.parse())) {
                result = text.isBlank() ? null : YAML.readValue(text, Object.class);
            }
            exchange.getMessage().setBody(result);
        }).id(build.id());
    }
}
