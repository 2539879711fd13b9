package io.octoflow.step;

import java.util.Map;

import org.apache.camel.Processor;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.PipelineDefinition;
import org.apache.camel.model.ProcessorDefinition;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.template.Condition;

/**
 * The stages every step goes through, for top-level steps and switch cases alike: its {@code when}
 * ({@link #conditionsHold}), its input ({@link #input}), its work (the step type's processors) and its
 * {@code jq_expression} ({@link #appendWork}), and the storing of its result ({@link #storeResult}). The flow's
 * route arranges them around its step loop (where a false {@code when} is recorded as skipped); a switch case runs
 * them inline ({@link #appendNested}). A part that did not compile when the flow loaded (a load-time warning)
 * fails the step when it runs, as on the spooler.
 */
public final class StepPipeline {

    private StepPipeline() {
    }

    /**
     * Appends the step's work, then its jq_expression (only for steps that store a result, as on the spooler), to
     * {@code route}.
     */
    public static <S> void appendWork(ProcessorDefinition<?> route, FlowDefinition flow, StepDefinition<S> step,
            StepServices services) {
        StepBuild<S> build = new StepBuild<>(route, flow, step, services);
        StepType<S> type = StepType.of(step);
        if (step.workBrokenBecause() != null) {
            route.process(fails(step.workBrokenBecause())).id(build.id());
        } else {
            type.build(build);
        }
        if (step.jqExpression() != null && type.storesResult()) {
            if (step.jqBrokenBecause() != null) {
                route.process(fails(step.jqBrokenBecause())).id(build.id("jq_expression"));
            } else {
                JqProcessors.append(route, services, step.jqExpression(), build.id("jq_expression"));
            }
        }
    }

    /**
     * A step run inline by another (a switch case): its own {@code when} (false: nothing happens), its input, its
     * work and the storing of its result. Errors are the enclosing step's.
     */
    public static PipelineDefinition nested(FlowDefinition flow, StepDefinition<?> step, StepServices services) {
        PipelineDefinition branch = new PipelineDefinition();
        StepBuild<?> ids = new StepBuild<>(branch, flow, step, services);
        FilterDefinition enabled = new FilterDefinition(
                (org.apache.camel.Predicate) exchange -> conditionsHold(step, FlowRun.of(exchange)));
        enabled.setId(ids.id("when"));
        branch.addOutput(enabled);
        enabled.process(exchange -> exchange.getMessage().setBody(input(step, FlowRun.of(exchange))))
                .id(ids.id("case-input"));
        appendWork(enabled, flow, step, services);
        if (step.type().storesResult()) {
            enabled.process(exchange -> storeResult(step, FlowRun.of(exchange), exchange.getMessage().getBody()))
                    .id(ids.id("store"));
        }
        return branch;
    }

    /** Whether every {@code when} condition of the step holds; throws when one did not compile. */
    public static boolean conditionsHold(StepDefinition<?> step, FlowRun run) {
        if (step.whenBrokenBecause() != null) {
            throw new IllegalStateException(step.whenBrokenBecause());
        }
        if (step.when().isEmpty()) {
            return true;
        }
        Map<String, Object> context = run.templateContext();
        for (Condition condition : step.when()) {
            if (!condition.test(context)) {
                return false;
            }
        }
        return true;
    }

    /** The step's input, the body its processors start with: what its type reads from its {@code data_key}. */
    public static Object input(StepDefinition<?> step, FlowRun run) {
        return StepType.of(step).input(run, step.dataKey());
    }

    /** Stores the step's result under its result_key, unless the step only steers the flow. */
    public static void storeResult(StepDefinition<?> step, FlowRun run, Object result) {
        if (step.type().storesResult()) {
            run.data().put(step.resultKey(), result);
        }
    }

    private static Processor fails(String message) {
        return exchange -> {
            throw new IllegalStateException(message);
        };
    }
}
