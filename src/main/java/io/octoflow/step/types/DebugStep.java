package io.octoflow.step.types;

import java.util.List;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.PythonText;
import io.octoflow.template.Template;

/**
 * Logs data (the data_key value, or the whole flow data) as YAML (default), JSON or Python text, secrets masked,
 * and stores it under result_key, as the spooler does.
 */
public final class DebugStep implements StepType<DebugStep.Settings> {

    private static final Logger LOG = LogManager.getLogger("io.octoflow.debug");

    @Override
    public String type() {
        return "debug";
    }

    @Override
    public String description() {
        return "Logs data for debugging (secrets masked).";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.optional("data_key", Kind.STRING, "What to log: a key of the flow data; default: all of it."),
                Key.oneOf("type", "yaml", List.of("yaml", "json", "text"), "How to print it: yaml, json (indented)"
                        + " or text (Python's repr)."),
                Key.optional("message", Kind.STRING, "A templated message logged before the data."));
    }

    @Override
    public String example() {
        return """
                - name: show tickets
                  type: debug
                  debug:
                    data_key: tickets
                """;
    }

    record Settings(Template message, String format) {
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        YNode message = block.get("message");
        return new Settings(message == null ? null : compiler.template(message),
                block.get("type") == null ? "yaml" : block.get("type").text());
    }

    /**
     * As on the spooler, which reads {@code data.get(data_key)}: a top-level key of the flow data, null (shown and
     * stored) when there is none, "." included.
     */
    @Override
    public Object input(FlowRun run, String dataKey) {
        return dataKey == null ? null : run.data().get(dataKey);
    }

    @Override
    public void build(StepBuild<Settings> build) {
        Settings settings = build.settings();
        Template message = settings.message();
        var services = build.services();
        String flow = build.flow().name();
        String step = build.step().name();
        build.route().process(Inputs.wholeDataUnlessKeyed(build.step())).id(build.id("input"))
                .process(exchange -> {
                    FlowRun run = FlowRun.of(exchange);
                    String text;
                    try {
                        // mask the values before they become JSON text, where escaping would hide them
                        Object masked = services.secrets().masker().maskValue(exchange.getMessage().getBody());
                        text = switch (settings.format()) {
                            case "json" -> services.json().writerWithDefaultPrettyPrinter().writeValueAsString(masked);
                            case "text" -> PythonText.repr(masked);
                            default -> "\n" + PyYaml.dump(masked);
                        };
                    } catch (JsonProcessingException e) {
                        text = String.valueOf(exchange.getMessage().getBody());
                    }
                    String prefix = message == null ? "" : message.render(run.templateContext()) + " ";
                    LOG.info("[{} {}] {}{}", io.octoflow.logging.LogText.oneLine(flow),
                            io.octoflow.logging.LogText.oneLine(step), services.secrets().masker().mask(prefix),
                            services.secrets().masker().mask(text));
                }).id(build.id());
    }

}
