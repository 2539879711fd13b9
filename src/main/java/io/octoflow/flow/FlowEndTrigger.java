package io.octoflow.flow;

import java.util.ArrayList;
import java.util.List;

import io.octoflow.flow.Key.Kind;

/**
 * {@code trigger: {flow: {name, status?}}}: a run each time another flow's run ends with one of {@code statuses},
 * with that run's final data as {@code __input__}.
 *
 * @param flow     the other flow: its path relative to FLOWS_PATH, or its name
 * @param statuses the end statuses that trigger ({@code success} by default)
 */
public record FlowEndTrigger(String flow, List<String> statuses, At at) implements TriggerDefinition {

    public static final String KIND = "flow";
    /** How a launched run can end (skipped runs never ran: they trigger nothing). */
    public static final List<String> STATUSES = List.of("success", "failed", "timeout", "aborted", "exit");

    @Override
    public String kind() {
        return KIND;
    }

    /** Whether a run of the flow at {@code path} named {@code name} that ended {@code status} triggers this. */
    public boolean matches(String path, String name, String status) {
        return (flow.equals(path) || flow.equals(name)) && statuses.contains(status);
    }

    static final class Format implements TriggerFormat {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String description() {
            return "Run after another flow's run ends with one of the statuses; its final data is __input__.";
        }

        @Override
        public List<Key> keys() {
            return List.of(
                    Key.required("name", Kind.STRING, "The other flow: its path in FLOWS_PATH, or its name (every"
                            + " flow of that name)."),
                    Key.optional("status", Kind.STRING_LIST, "success", "End statuses that trigger (one or a list): "
                            + String.join(", ", STATUSES) + "."));
        }

        @Override
        public TriggerDefinition compile(YNode block, TriggerCompiler compiler) {
            YNode nameNode = block.get("name");
            String name = nameNode.text();
            boolean ok = true;
            if (name.isBlank()) {
                compiler.problem(nameNode, "trigger.flow.name: expected a flow path or name, found an empty string");
                ok = false;
            } else if (name.equals(compiler.flowName()) || name.equals(compiler.flowPath())) {
                compiler.problem(nameNode, "trigger.flow.name: '" + name + "' is this flow itself; a flow cannot"
                        + " trigger itself (it would run for ever)");
                ok = false;
            }
            List<String> statuses = new ArrayList<>();
            YNode statusNode = block.get("status");
            List<YNode> items = statusNode == null ? List.of()
                    : statusNode.isSequence() ? statusNode.items() : List.of(statusNode);
            for (YNode item : items) {
                if (!STATUSES.contains(item.text())) {
                    compiler.problem(item, "trigger.flow.status: unknown status '" + item.text() + "' (expected"
                            + " one of: " + String.join(", ", STATUSES) + ")");
                    ok = false;
                } else if (!statuses.contains(item.text())) {
                    statuses.add(item.text());
                }
            }
            if (statusNode != null && statusNode.isSequence() && items.isEmpty()) {
                compiler.problem(statusNode, "trigger.flow.status: expected at least one of: "
                        + String.join(", ", STATUSES));
                ok = false;
            }
            if (statuses.isEmpty()) {
                statuses.add("success");
            }
            return ok ? new FlowEndTrigger(name, List.copyOf(statuses), compiler.at(block)) : null;
        }
    }
}
