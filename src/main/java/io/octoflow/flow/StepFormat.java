package io.octoflow.flow;

import java.util.List;

/**
 * What the flow format knows of one kind of step ({@code file}, {@code rest}...): the keys of the block named after
 * it, declared as data (validation and the JSON Schema come from them), and how that block compiles into the
 * step's settings {@code S}, once, when the flow loads. How the step runs is {@code io.octoflow.step.StepType},
 * which extends this; the format side stays here so that reading flows needs nothing of the run.
 */
public interface StepFormat<S> {

    String type();

    String description();

    /** Keys of the block named after the type, e.g. {@code rest: {uri, method...}}; nested blocks included. */
    List<Key> keys();

    /** A runnable example of the step, shown in the JSON Schema and the docs. */
    String example();

    /**
     * Checks what shape alone cannot and compiles templates and expressions once. Called only when the block's keys
     * fit their declarations (see {@link Key}), so a required key is there and has its declared shape.
     */
    S compile(StepCompiler compiler, YNode block);

    /** False for steps that only steer the flow (sleep, goto, switch): nothing is stored under result_key. */
    default boolean storesResult() {
        return true;
    }

    /**
     * The {@code data_key} whose value the route hands the step as its body when the step starts; null for none, or
     * for a step that reads its input itself.
     */
    default String inputKey(YNode block) {
        YNode key = block.get("data_key");
        return key != null && key.isScalar() && key.scalar() != null && !(key.scalar() instanceof Boolean)
                ? key.text() : null;
    }

    default boolean blockRequired() {
        return keys().stream().anyMatch(Key::required);
    }
}
