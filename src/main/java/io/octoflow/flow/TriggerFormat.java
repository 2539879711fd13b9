package io.octoflow.flow;

import java.util.List;

/**
 * One kind of {@code trigger:} block, declared as data like a step type: its keys (checked by the key checker and
 * rendered into the JSON Schema) and how a block that fits them compiles. A new kind (Kafka, say) is one more
 * implementation listed in {@link TriggerFormats} and one more source in {@code io.octoflow.trigger}.
 */
public interface TriggerFormat {

    /** The key of the kind inside {@code trigger:}. */
    String kind();

    String description();

    List<Key> keys();

    /**
     * Compiles a block whose keys fit {@link #keys()}; reports what else is wrong through {@code compiler} and returns
     * null when the block cannot be used.
     */
    TriggerDefinition compile(YNode block, TriggerCompiler compiler);
}
