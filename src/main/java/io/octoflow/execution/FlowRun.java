package io.octoflow.execution;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.FlowKeys;

/**
 * The state of one run of one flow, carried by the exchange as a property: the flow data ({@code _data} in the
 * spooler), which step comes next, and what each step did. As on the spooler, the special variables are keys of
 * the flow data from the start ({@code __errors__}, {@code __input__}, {@code __loop_index__}, {@code __job_id__},
 * {@code __timestamp__}, {@code __flow_path__}), so they are in results and in {@code data_key: "."}. A sub-flow gets
 * its own run (own data, own {@code __timestamp__}), sharing the job id and cancellation of its parent.
 */
public final class FlowRun {

    public static final String PROPERTY = "octoflow.run";
    /** Set by a flow_loop on each item's exchange, read once by the sub-flow's start. */
    public static final String LOOP_INDEX = "octoflow.loopIndex";
    public static final String ERRORS = "__errors__";
    public static final String INPUT = "__input__";
    public static final String LOOP_INDEX_KEY = "__loop_index__";
    public static final String JOB_ID = "__job_id__";
    public static final String TIMESTAMP_KEY = "__timestamp__";
    public static final String FLOW_PATH = "__flow_path__";
    /**
     * Octoflow's addition: what an event trigger knows of the event that started the run (kind, path, received
     * time...); present only in runs an event trigger started.
     */
    public static final String TRIGGER = "__trigger__";
    /** Set by a sub-flow's end on its exchange: the finished run, for a flow_loop to read how it ended. */
    public static final String FINISHED_RUN = "octoflow.finishedRun";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final FlowDefinition flow;
    private final String executionId;
    private final String timestamp;
    private final Object input;
    private final Integer loopIndex;
    private final Cancellation cancellation;
    private final ZoneId zone;
    private final Instant started = Instant.now();
    private final Map<String, Object> data = new LinkedHashMap<>();
    /** Written by the run's thread; read by others (the API, while the run goes) only through {@link #progress()}. */
    private final List<StepRecord> records = new ArrayList<>();
    /** The step being run now, or null: for {@link #progress()}. */
    private volatile RunProgress.CurrentStep inProgress;

    private volatile RunStatus status = RunStatus.RUNNING;
    private String error;
    private int pc;
    private int current = -1;
    private Integer jump;
    private Instant stepStart;
    private long stepStartNanos;
    /** The attempt of the current step (1-based): grows with each {@code retried} record, back to 1 with any other. */
    private int attempt = 1;

    /**
     * A run of {@code flow}; {@code input} is the launch payload ({@code __input__}, {@code {}} when null);
     * {@code __timestamp__} is {@code start} in local time of {@code zone} (the TIMEZONE setting).
     */
    public FlowRun(FlowDefinition flow, String executionId, Instant start, Object input, Integer loopIndex,
            Cancellation cancellation, ZoneId zone) {
        this.flow = flow;
        this.executionId = executionId;
        this.zone = zone;
        this.timestamp = TIMESTAMP.withZone(zone).format(start);
        this.input = input;
        this.loopIndex = loopIndex;
        this.cancellation = cancellation;
        data.put(ERRORS, new ArrayList<>());
        data.put(INPUT, input == null ? new LinkedHashMap<>() : input);
        data.put(LOOP_INDEX_KEY, loopIndex);
        data.put(JOB_ID, executionId);
        data.put(TIMESTAMP_KEY, timestamp);
        data.put(FLOW_PATH, flow.path());
    }

    public static FlowRun of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, FlowRun.class);
    }

    /**
     * A run of {@code subFlow} called from this run, with its own {@code __timestamp__}. A flow_loop item (a loop
     * index) keeps its item as {@code __input__} even when null; a flow step without input gets {@code {}}. As on
     * the spooler, which builds a sub-flow from FLOWS_PATH joined with its path and without the job, its
     * {@code __flow_path__} is the file's full path and its {@code __job_id__} is null (the run keeps the job id).
     */
    public FlowRun child(FlowDefinition subFlow, Object childInput, Integer childLoopIndex) {
        FlowRun child = new FlowRun(subFlow, executionId, Instant.now(), childInput, childLoopIndex, cancellation, zone);
        if (childInput == null && childLoopIndex != null) {
            child.data.put(INPUT, null);
        }
        child.data.put(JOB_ID, null);
        if (subFlow.file() != null) {
            child.data.put(FLOW_PATH, subFlow.file().toString());
        }
        child.parent = this;
        return child;
    }

    private FlowRun parent;

    private boolean ownsLogContext;

    /** The launched run this one descends from (itself for a launched run). */
    public FlowRun root() {
        FlowRun run = this;
        while (run.parent != null) {
            run = run.parent;
        }
        return run;
    }

    /** Whether this sub-flow run put the log context on its thread (a flow_loop worker), to take it off at the end. */
    public void ownsLogContext(boolean owns) {
        this.ownsLogContext = owns;
    }

    public boolean ownsLogContext() {
        return ownsLogContext;
    }

    public boolean isChild() {
        return parent != null;
    }

    /** The run of the calling flow, for a sub-flow; null for a launched run. */
    public FlowRun parent() {
        return parent;
    }

    /** Everything a template or condition can see: the flow data, special variables included (a copy). */
    public Map<String, Object> templateContext() {
        return new HashMap<>(data);
    }

    /**
     * The value a {@code data_key} names: {@code "."} is the whole flow data; a key of the data; a special
     * variable; or a dotted path into nested mappings and lists ({@code ticket.fields.summary}, {@code items.0}).
     */
    public Object lookup(String key) {
        if (key.equals(".")) {
            return new LinkedHashMap<>(data);
        }
        if (data.containsKey(key)) {
            return data.get(key);
        }
        if (key.contains(".")) {
            Object node = data;
            for (String part : key.split("\\.")) {
                if (node instanceof Map<?, ?> map && map.containsKey(part)) {
                    node = map.get(part);
                } else if (node instanceof List<?> list && part.matches("\\d+") && Integer.parseInt(part) < list.size()) {
                    node = list.get(Integer.parseInt(part));
                } else {
                    throw missing(key);
                }
            }
            return node;
        }
        throw missing(key);
    }

    /** Like {@link #lookup}, with null for a key that is not there (the spooler's {@code dict.get}). */
    public Object lookupOrNull(String key) {
        try {
            return lookup(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("data_key '" + key + "' is not in the flow data (keys: "
                + String.join(", ", data.keySet()) + ")");
    }

    /**
     * Appends {@code {"step": step, "error": detail}} to {@code __errors__} and returns the entry (to mark it
     * ignored). The detail is the error text, or {@code {status_code, response_content}} for an HTTP error.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> addError(String step, Object detail) {
        Object existing = data.get(ERRORS);
        List<Object> errors = existing instanceof List<?> list ? (List<Object>) list : new ArrayList<>();
        if (!(existing instanceof ArrayList)) {
            errors = new ArrayList<>(errors);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("step", step);
        entry.put("error", detail);
        errors.add(entry);
        data.put(ERRORS, errors);
        return entry;
    }

    // --- progress through the steps, driven by the route's processors ---

    public int pc() {
        return pc;
    }

    public void pc(int next) {
        this.pc = next;
    }

    public int current() {
        return current;
    }

    public void current(int index) {
        this.current = index;
    }

    /** Makes the current step continue at {@code index} instead of the next one (goto, switch). */
    public void jumpTo(int index) {
        this.jump = index;
    }

    /**
     * Makes the current step continue at a goto target: a step name (the last step of that name, as the spooler's
     * lookup keeps the last), {@code __start__} (the first step), {@code __end__} (the end; the finally step still
     * runs) or {@code __exit} (ends the run with status exit). A name no step has fails the flow.
     */
    public void goTo(String target) {
        switch (target) {
            case FlowKeys.EXIT -> exit("Flow exited.");
            case FlowKeys.START -> jumpTo(0);
            case FlowKeys.END -> {
                int finallyIndex = flow.finallyIndex();
                jumpTo(finallyIndex >= 0 && current != finallyIndex ? finallyIndex : flow.steps().size());
            }
            default -> {
                int index = stepIndex(target);
                if (index < 0) {
                    throw new StepConstructionException("Goto step '" + target + "' not found in flow.");
                }
                jumpTo(index);
            }
        }
    }

    /** The index of the last step named {@code name}, or -1. */
    public int stepIndex(String name) {
        for (int i = flow.steps().size() - 1; i >= 0; i--) {
            if (flow.steps().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public Integer takeJump() {
        Integer next = jump;
        jump = null;
        return next;
    }

    public boolean hasNextStep() {
        return pc < flow.steps().size() && !cancellation.isCancelled()
                && (status == RunStatus.RUNNING || status == RunStatus.FAILED);
    }

    public void stepStarted() {
        stepStart = Instant.now();
        stepStartNanos = System.nanoTime();
        if (current >= 0 && current < flow.steps().size()) {
            inProgress = new RunProgress.CurrentStep(flow.steps().get(current).name(), stepStart);
        }
    }

    public void record(String step, StepStatus stepStatus, String stepError) {
        long micros = stepStart == null ? 0 : (System.nanoTime() - stepStartNanos) / 1000;
        StepRecord record = new StepRecord(step, stepStatus.label(), stepStart == null ? Instant.now() : stepStart,
                micros, stepError, attempt);
        // uncontended but for a reader's snapshot: no measurable cost to the run (a copy-on-write list would copy
        // every record at every step)
        synchronized (records) {
            records.add(record);
            inProgress = null;
        }
        stepStart = null;
        attempt = stepStatus == StepStatus.RETRIED ? attempt + 1 : 1;
    }

    /** The attempt the current step is at: 1, or more while its {@code retry} runs it again. */
    public int attempt() {
        return attempt;
    }

    /** Whether the step at {@link #pc()} is being run again after a failed attempt (its when is not asked again). */
    public boolean retrying() {
        return attempt > 1;
    }

    // --- accessors ---

    public FlowDefinition flow() {
        return flow;
    }

    public String executionId() {
        return executionId;
    }

    public String timestamp() {
        return timestamp;
    }

    public ZoneId zone() {
        return zone;
    }

    public Object input() {
        return input;
    }

    public Integer loopIndex() {
        return loopIndex;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public Instant started() {
        return started;
    }

    public Map<String, Object> data() {
        return data;
    }

    /** The step records so far; for the run's own thread (others read {@link #progress()}). */
    public List<StepRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** What the run did so far and the step it is in, safe to read from any thread while the run goes. */
    public RunProgress progress() {
        synchronized (records) {
            return new RunProgress(List.copyOf(records), inProgress);
        }
    }

    public RunStatus status() {
        return status;
    }

    public void status(RunStatus status) {
        this.status = status;
    }

    public String error() {
        return error;
    }

    public void fail(String message) {
        this.status = RunStatus.FAILED;
        if (this.error == null) {
            this.error = message;
        }
    }

    /** Ends the run with status exit and the spooler's message ({@code Flow exited with message: ...}). */
    public void exit(String message) {
        this.status = RunStatus.EXIT;
        this.error = message;
    }
}
