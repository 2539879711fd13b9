package io.octoflow.route;

import java.time.ZoneId;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.LaunchRequest;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.logging.RunContext;

/**
 * First processor of every flow route: opens the run. Launched runs bring a {@link LaunchRequest}, whose payload is
 * {@code __input__} (not merged into the flow data, as on the spooler); a run reached from a parent flow (flow or
 * flow_loop step) becomes a child of the parent's run, with the body as __input__.
 */
final class FlowStart implements Processor {

    private final FlowDefinition flow;
    private final ZoneId zone;

    FlowStart(FlowDefinition flow, ZoneId zone) {
        this.flow = flow;
        this.zone = zone;
    }

    @Override
    public void process(Exchange exchange) {
        FlowRun parent = FlowRun.of(exchange);
        FlowRun run;
        if (parent != null) {
            Integer loopIndex = exchange.getProperty(FlowRun.LOOP_INDEX, Integer.class);
            exchange.removeProperty(FlowRun.LOOP_INDEX);
            run = parent.child(flow, exchange.getMessage().getBody(), loopIndex);
            // a flow_loop item runs on a worker thread: its lines carry the launched flow and execution too
            run.ownsLogContext(RunContext.enter(parent.root().flow().name(), run.executionId()));
        } else {
            LaunchRequest request = exchange.getProperty(LaunchRequest.PROPERTY, LaunchRequest.class);
            if (request == null) {
                throw new IllegalStateException("flow '" + flow.name() + "' started without a launch request");
            }
            run = new FlowRun(flow, request.executionId(), request.started(), request.input(), null,
                    request.cancellation(), zone);
            if (request.event() != null) {
                run.data().put(FlowRun.TRIGGER, new java.util.LinkedHashMap<>(request.event()));
            }
            // preset data of an embedding caller (tests); launches by users bring none
            request.initialData().forEach(run.data()::put);
            request.started(run);
        }
        exchange.setProperty(FlowRun.PROPERTY, run);
        exchange.getMessage().setBody(null);
    }
}
