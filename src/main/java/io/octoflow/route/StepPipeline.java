package io.octoflow.route;

import java.util.Map;

import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.StepDefinition;
import io.octoflow.step.StepBuild;
import io.octoflow.template.Condition;

/**
 * The parts every step shares, for top-level steps and switch cases alike: its {@code when}, its work (the step
 * type's processors) and its {@code jq_expression}. A part that did not compile when the flow loaded (a load-time
 * warning) fails the step when it runs, as on the spooler.
 */
public final class StepPipeline {

    private StepPipeline() {
    }

    /** Appends the step's work, then its jq_expression (only for steps that store a result, as on the spooler). */
    public static void appendWork(StepBuild build) {
        StepDefinition step = build.step();
        if (step.workBrokenBecause() != null) {
            build.route().process(fails(step.workBrokenBecause())).id(build.id());
        } else {
            step.type().build(build);
        }
        if (step.jqExpression() != null && step.type().storesResult()) {
            if (step.jqBrokenBecause() != null) {
                build.route().process(fails(step.jqBrokenBecause())).id(build.id("jq_expression"));
            } else {
                JqProcessors.append(build.route(), build.services().camelContext(), build.services().json(),
                        step.jqExpression(), build.id("jq_expression"));
            }
        }
    }

    /** Whether every {@code when} condition of the step holds; throws when one did not compile. */
    public static boolean conditionsHold(StepDefinition step, FlowRun run) {
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

    private static Processor fails(String message) {
        return exchange -> {
            throw new IllegalStateException(message);
        };
    }
}
