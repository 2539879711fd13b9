package io.octoflow.step;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.YNode;

/**
 * One kind of step ({@code file}, {@code rest}...). Its keys are declared as data (validation and the JSON Schema
 * come from them); {@link #compile} checks what shape alone cannot and compiles templates and expressions once;
 * {@link #build} appends the step's Camel processors and endpoints to the flow's route.
 *
 * <p>Contract with the route: when the step's processors start, the message body holds the step's input (the value
 * named by {@code data_key}, or null); when they end, the body holds the step's result.
 */
public interface StepType {

    String type();

    String description();

    /** Keys of the block named after the type, e.g. {@code rest: {uri, method...}}. */
    List<Key> keys();

    /** A runnable example of the step, shown in the JSON Schema and the docs. */
    String example();

    Object compile(StepCompiler compiler, YNode block);

    void build(StepBuild build);

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

    /**
     * The step's input, put in the body before its processors run: by default the value {@code data_key} names
     * ({@link FlowRun#lookup}); null without data_key. Steps that read data_key differently override this.
     */
    default Object input(FlowRun run, String dataKey) {
        return dataKey == null ? null : run.lookup(dataKey);
    }

    default boolean blockRequired() {
        return keys().stream().anyMatch(Key::required);
    }
}
