package io.octoflow.logging;

import org.apache.logging.log4j.ThreadContext;

/**
 * The flow name and execution id on every log line written while a run goes on (log4j's thread context, which
 * SLF4J's MDC shares, so Camel's own lines carry them too). Log patterns read them as {@code %X{flow}} and
 * {@code %X{execution_id}}.
 */
public final class RunContext {

    public static final String FLOW = "flow";
    public static final String EXECUTION_ID = "execution_id";

    private RunContext() {
    }

    /** Puts the run on this thread's log lines; false when they already carry it (nothing to undo then). */
    public static boolean enter(String flow, String executionId) {
        if (executionId.equals(ThreadContext.get(EXECUTION_ID)) && flow.equals(ThreadContext.get(FLOW))) {
            return false;
        }
        ThreadContext.put(FLOW, flow);
        ThreadContext.put(EXECUTION_ID, executionId);
        return true;
    }

    public static void leave() {
        ThreadContext.remove(FLOW);
        ThreadContext.remove(EXECUTION_ID);
    }
}
