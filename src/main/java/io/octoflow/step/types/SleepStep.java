package io.octoflow.step.types;

import java.util.List;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/** Pauses the flow; wakes up at once when the run times out or is aborted. Stores {}, as the spooler does. */
public final class SleepStep implements StepType<Long> {

    @Override
    public String type() {
        return "sleep";
    }

    @Override
    public String description() {
        return "Pauses the flow for a number of seconds.";
    }

    @Override
    public List<Key> keys() {
        return List.of(Key.required("seconds", Kind.NUMBER, "How long to pause (fractions allowed)."));
    }

    @Override
    public String example() {
        return """
                - name: pace the API
                  type: sleep
                  sleep:
                    seconds: 0.5
                """;
    }

    @Override
    public Long compile(StepCompiler compiler, YNode block) {
        double seconds = ((Number) block.get("seconds").scalar()).doubleValue();
        if (seconds < 0) {
            compiler.problem(block.get("seconds"), "sleep.seconds: expected zero or more, found " + seconds);
        }
        return (long) (seconds * 1000);
    }

    @Override
    public void build(StepBuild<Long> build) {
        long millis = build.settings();
        build.route().process(exchange -> {
            FlowRun run = FlowRun.of(exchange);
            try {
                run.cancellation().sleep(millis);
            } catch (InterruptedException e) {
                // the run's thread is being stopped (the service stops): the run ends as aborted, not failed
                Thread.currentThread().interrupt();
                run.cancellation().cancel(io.octoflow.execution.RunStatus.ABORTED);
            }
            exchange.getMessage().setBody(new java.util.LinkedHashMap<>());
        }).id(build.id());
    }
}
