package io.octoflow.route;

import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.CatchDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.LoopDefinition;
import org.apache.camel.model.TryDefinition;
import org.apache.camel.model.WhenDefinition;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepPipeline;
import io.octoflow.step.StepServices;

/**
 * Turns one flow into one Camel route:
 *
 * <pre>
 * from(direct:flow-x).routeId(flow-x)
 *   start ─► loopDoWhile(next step: store the last step's result, select the next (when, data_key)) ─► choice
 *              when step #1: doTry { step's processors ─► jq_expression } doCatch { retry, ignore or fail }
 *              when step #2: ...
 *   ─► end
 * </pre>
 *
 * The loop (rather than a straight line of steps) is what lets goto jump backwards, switch pick a step and a
 * failure continue at the finally step.
 */
public final class FlowRouteBuilder extends RouteBuilder {

    private final List<FlowDefinition> flows;
    private final StepServices services;

    public FlowRouteBuilder(List<FlowDefinition> flows, StepServices services) {
        this.flows = flows;
        this.services = services;
    }

    @Override
    public void configure() {
        for (FlowDefinition flow : flows) {
            configure(flow);
        }
    }

    private void configure(FlowDefinition flow) {
        LoopDefinition loop = from(flow.endpointUri())
                .routeId(flow.routeId())
                .routeDescription(flow.description() != null ? flow.description() : flow.path())
                .errorHandler(noErrorHandler())
                .process(new FlowStart(flow, services.config().timezone())).id(flow.camelId() + ":start")
                .loopDoWhile(new NextStep(services.secrets().masker()));
        loop.setId(flow.camelId() + ":steps");
        ChoiceDefinition choice = new ChoiceDefinition();
        choice.setId(flow.camelId() + ":choice");
        for (int i = 0; i < flow.steps().size(); i++) {
            choice.addOutput(branch(flow, flow.steps().get(i), i));
        }
        loop.addOutput(choice);
        loop.end().process(new FlowEnd()).id(flow.camelId() + ":end");
    }

    private WhenDefinition branch(FlowDefinition flow, StepDefinition<?> step, int index) {
        WhenDefinition when = new WhenDefinition(new CurrentStepIs(index));
        TryDefinition attempt = new TryDefinition();
        StepBuild<?> build = new StepBuild<>(attempt, flow, step, services);
        attempt.setId(build.id("try"));
        StepPipeline.appendWork(attempt, flow, step, services); // its result is stored by NextStep
        CatchDefinition failure = new CatchDefinition(Exception.class);
        failure.process(new StepFailure(step, services.secrets().masker())).id(build.id("failure"));
        attempt.addOutput(failure);
        when.addOutput(attempt);
        return when;
    }
}
