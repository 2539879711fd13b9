package io.octoflow.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of {@code trigger:} block, and the block's own key: a mapping with exactly one kind. Adding a kind
 * (Kafka) is one more {@link TriggerFormat} in {@link #ALL}; the key, the JSON Schema and the checks follow.
 */
public final class TriggerFormats {

    private TriggerFormats() {
    }

    public static final List<TriggerFormat> ALL = List.of(new WebhookTrigger.Format(), new FileTrigger.Format(),
            new FlowEndTrigger.Format(), new KafkaTrigger.Format());

    /** The flow's {@code trigger} key: one nested block per kind, unknown keys an error. */
    public static final Key KEY = key();

    private static Key key() {
        List<Key> kinds = new ArrayList<>();
        for (TriggerFormat format : ALL) {
            kinds.add(Key.optional(format.kind(), Key.Kind.MAPPING, format.description())
                    .with(format.keys().toArray(Key[]::new)).strict());
        }
        return Key.optional("trigger", Key.Kind.MAPPING, "Octoflow's addition: an event that starts a run, with the"
                + " event as __input__ and its metadata as __trigger__; exactly one of: " + String.join(", ",
                ALL.stream().map(TriggerFormat::kind).toList()) + ". The flow may keep a cron or every_seconds.")
                .with(kinds.toArray(Key[]::new)).strict();
    }

    public static Optional<TriggerFormat> find(String kind) {
        return ALL.stream().filter(f -> f.kind().equals(kind)).findFirst();
    }

    /**
     * Compiles a {@code trigger:} block whose shape the key checker has checked (problems already reported): null
     * when absent or unusable.
     */
    static TriggerDefinition compile(YNode block, TriggerCompiler compiler) {
        if (block == null || !block.isMapping()) {
            return null;
        }
        List<String> kinds = block.entries().keySet().stream().filter(k -> find(k).isPresent()).toList();
        if (kinds.isEmpty()) {
            if (block.entries().isEmpty()) {
                compiler.problem(block, "trigger: expected one of " + String.join(", ",
                        ALL.stream().map(TriggerFormat::kind).toList()) + ", found an empty mapping");
            }
            return null;
        }
        if (kinds.size() > 1) {
            compiler.problem(block.keyNode(kinds.get(1)), "trigger: one kind per flow, found " + String.join(" and ",
                    kinds));
            return null;
        }
        YNode kindBlock = block.get(kinds.get(0));
        if (!kindBlock.isMapping() || find(kinds.get(0)).orElseThrow().keys().stream()
                .anyMatch(k -> k.required() && (kindBlock.get(k.name()) == null || k.check(kindBlock.get(k.name()))
                        != null))) {
            return null; // the key checker said what is missing or malformed
        }
        for (Key key : find(kinds.get(0)).orElseThrow().keys()) {
            YNode value = kindBlock.get(key.name());
            // a value of the wrong shape cannot be read; a string outside the allowed ones can (more is reported)
            if (value != null && key.check(value) != null && !(value.isString() && !key.allowed().isEmpty())) {
                return null;
            }
        }
        YNode kindKey = block.keyNode(kinds.get(0));
        // the kind's key is where the trigger is written ("webhook:"), for problems another file's deploy reports
        TriggerCompiler atKey = new TriggerCompiler() {
            @Override
            public void problem(YNode at, String message) {
                compiler.problem(at, message);
            }

            @Override
            public String flowName() {
                return compiler.flowName();
            }

            @Override
            public String flowPath() {
                return compiler.flowPath();
            }

            @Override
            public TriggerDefinition.At at(YNode node) {
                return compiler.at(node == kindBlock && kindKey != null ? kindKey : node);
            }

            @Override
            public boolean dataPath(YNode node, String key) {
                return compiler.dataPath(node, key);
            }
        };
        return find(kinds.get(0)).orElseThrow().compile(kindBlock, atKey);
    }
}
