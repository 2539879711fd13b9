package io.octoflow.route;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.FlowRun;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;

/** What happens after a step: where the run goes next, and what is recorded. */
final class StepOutcome {

    private static final Logger LOG = LogManager.getLogger(StepOutcome.class);

    private StepOutcome() {
    }

    static void succeeded(FlowRun run, StepDefinition step) {
        run.record(step.name(), "success", null);
        advance(run);
    }

    static void skipped(FlowRun run, StepDefinition step) {
        run.record(step.name(), "skipped", null);
        run.pc(run.pc() + 1);
    }

    /**
     * A step threw. When one of its ignore_errors patterns matches the error text, the error joins __errors__ and
     * the flow goes on; otherwise the run fails and continues at the finally step, if any and not already there.
     */
    static void failed(FlowRun run, StepDefinition step, Throwable error, Masker masker) {
        String text = masker.mask(ErrorText.of(error));
        FlowDefinition flow = run.flow();
        if (step.ignores(text)) {
            LOG.info("flow '{}' step '{}': error ignored: {}", flow.name(), step.name(), text);
            run.addError(step.name(), text);
            run.record(step.name(), "ignored", text);
            run.takeJump();
            run.pc(run.pc() + 1);
            return;
        }
        String message = "flow '" + flow.name() + "' failed at step '" + step.name() + "': " + text;
        LOG.warn(message);
        run.record(step.name(), "failed", text);
        run.fail(message);
        run.takeJump();
        int finallyIndex = flow.finallyIndex();
        run.pc(finallyIndex >= 0 && run.current() != finallyIndex ? finallyIndex : flow.steps().size());
    }

    private static void advance(FlowRun run) {
        Integer jump = run.takeJump();
        if (run.status() == io.octoflow.execution.RunStatus.FAILED) {
            // the finally step ran after a failure: the run ends here
            run.pc(run.flow().steps().size());
        } else {
            run.pc(jump != null ? jump : run.pc() + 1);
        }
    }
}
