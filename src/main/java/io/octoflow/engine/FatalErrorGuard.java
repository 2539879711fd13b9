package io.octoflow.engine;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.execution.FlowRun;

/**
 * Turns an OutOfMemoryError or StackOverflowError thrown by any processor of a flow into the failure of the step
 * that was running. Camel's processors catch exceptions only: an Error would unwind past the step's doTry, the run's
 * end and the lock's release, leaving the exchange in flight for ever, and nothing logged. Once the error has
 * unwound, what the step allocated is garbage again, so the run can go on to its finally step and end as failed.
 * Each such error is logged once, at ERROR, by the innermost processor that saw it.
 */
final class FatalErrorGuard implements InterceptStrategy {

    private static final Logger LOG = LogManager.getLogger(FatalErrorGuard.class);

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        String id = definition.getId();
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(target)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                try {
                    return processor.process(exchange, callback);
                } catch (OutOfMemoryError | StackOverflowError e) {
                    exchange.setException(new FatalStepError(describe(exchange, id, e)));
                    callback.done(true);
                    return true;
                }
            }
        };
    }

    private static String describe(Exchange exchange, String processorId, Error error) {
        FlowRun run = FlowRun.of(exchange);
        String flow = run == null ? "?" : run.flow().name();
        String what = error instanceof OutOfMemoryError
                ? "ran out of memory (" + error.getMessage() + ")"
                : "recursed deeper than the stack allows (StackOverflowError)";
        LOG.error("flow '{}' {} in {}; the step fails and the run goes on to its end", flow, what, processorId);
        return "step " + what;
    }

    /** The exception that stands for the Error in the step's failure. */
    static final class FatalStepError extends RuntimeException {
        FatalStepError(String message) {
            super(message);
        }
    }
}
