package io.octoflow.route;

import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.execution.StepStatus;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.StepDefinition;
import io.octoflow.secret.Masker;

/** What happens after a step: where the run goes next, and what is recorded. */
final class StepOutcome {

    private static final Logger LOG = LogManager.getLogger(StepOutcome.class);

    private StepOutcome() {
    }

    static void succeeded(FlowRun run, StepDefinition<?> step) {
        run.record(step.name(), StepStatus.SUCCESS, null);
        advance(run);
    }

    static void skipped(FlowRun run, StepDefinition<?> step) {
        run.record(step.name(), StepStatus.SKIPPED, null);
        run.pc(run.pc() + 1);
    }

    /**
     * A step threw. As on the spooler, the error joins {@code __errors__} as {@code {step, error}}; when one of the
     * step's ignore_errors regexes matches, the entry says so ({@code ignored}) and the flow goes on; otherwise
     * the flow continues at the step's {@code on_error_goto}, or fails and continues at the finally step, if any
     * and not already there. A step with {@code retry} gets here after its last attempt ({@link StepRetry}). An
     * error of the step's construction ({@link StepConstructionException}) fails the flow
     * without an entry, whatever the step says.
     */
    static void failed(FlowRun run, StepDefinition<?> step, Throwable error, Masker masker) {
        String text = masker.mask(ErrorText.of(error));
        FlowDefinition flow = run.flow();
        run.takeJump();
        if (!StepRetry.constructionError(error)) {
            ErrorDetail detail = ErrorDetail.of(error, text);
            Map<String, Object> entry = run.addError(step.name(), masker.maskValue(detail.value()));
            String regex = step.ignoredBy(masker.mask(detail.pythonText()), text);
            if (regex != null) {
                LOG.info("flow '{}' step '{}': error ignored: {}", flow.name(), step.name(), text);
                entry.put("ignored", "Error ignored based on regex: " + regex);
                run.record(step.name(), StepStatus.IGNORED, text);
                run.pc(run.pc() + 1);
                return;
            }
            if (step.onErrorGoto() != null && run.status() == RunStatus.RUNNING) {
                LOG.info("flow '{}' step '{}' failed, going on at '{}': {}", flow.name(), step.name(),
                        step.onErrorGoto(), text);
                run.record(step.name(), StepStatus.FAILED, text);
                try {
                    run.goTo(step.onErrorGoto());
                    Integer next = run.takeJump();
                    run.pc(next != null ? next : flow.steps().size());
                    return;
                } catch (StepConstructionException e) {
                    text = e.getMessage();
                }
            }
        }
        String message = "flow '" + flow.name() + "' failed at step '" + step.name() + "': " + text;
        LOG.warn(message);
        run.record(step.name(), StepStatus.FAILED, text);
        run.fail(message);
        int finallyIndex = flow.finallyIndex();
        run.pc(finallyIndex >= 0 && run.current() != finallyIndex ? finallyIndex : flow.steps().size());
    }

    private static void advance(FlowRun run) {
        Integer jump = run.takeJump();
        if (run.status() == RunStatus.FAILED) {
            // the finally step ran after a failure: the run ends here
            run.pc(run.flow().steps().size());
        } else {
            run.pc(jump != null ? jump : run.pc() + 1);
        }
    }
}
