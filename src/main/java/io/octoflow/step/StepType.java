package io.octoflow.step;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.flow.StepFormat;

/**
 * One kind of step ({@code file}, {@code rest}...), with settings {@code S}: its keys and compilation (the
 * {@link StepFormat} side, read when a flow loads), and {@link #build}, which appends the step's Camel processors
 * and endpoints to the flow's route, given the settings its {@link #compile} returned.
 *
 * <p>Contract with the route: when the step's processors start, the message body holds the step's input (the value
 * named by {@code data_key}, or null); when they end, the body holds the step's result.
 */
public interface StepType<S> extends StepFormat<S> {

    void build(StepBuild<S> build);

    /**
     * The step's input, put in the body before its processors run: by default the value {@code data_key} names
     * ({@link FlowRun#lookup}); null without data_key. Steps that read data_key differently override this.
     */
    default Object input(FlowRun run, String dataKey) {
        return dataKey == null ? null : run.lookup(dataKey);
    }

    /**
     * The step type of a compiled step. Every step of a flow was compiled by a type of the {@link StepRegistry} (the
     * only {@link io.octoflow.flow.StepFormats} there is), so its format is a {@code StepType} of the same settings.
     */
    @SuppressWarnings("unchecked")
    static <S> StepType<S> of(StepDefinition<S> step) {
        return (StepType<S>) step.type();
    }
}
