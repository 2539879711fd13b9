package io.octoflow.execution;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import io.octoflow.flow.FlowDefinition;

/**
 * The state of one run of one flow, carried by the exchange as a property: the flow data ({@code _data} in the
 * spooler), the special variables, which step comes next, and what each step did. A sub-flow gets its own run,
 * sharing the job id, timestamp and cancellation of its parent.
 */
public final class FlowRun {

    public static final String PROPERTY = "octoflow.run";
    /** Set by a flow_loop on each item's exchange, read once by the sub-flow's start. */
    public static final String LOOP_INDEX = "octoflow.loopIndex";
    public static final String ERRORS = "__errors__";
    /** Set by a sub-flow's end on its exchange: the finished run, for a flow_loop to read how it ended. */
    public static final String FINISHED_RUN = "octoflow.finishedRun";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    private final FlowDefinition flow;
    private final String jobId;
    private final String timestamp;
    private final Object input;
    private final Integer loopIndex;
    private final Cancellation cancellation;
    private final Instant started = Instant.now();
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final List<StepRecord> records = new ArrayList<>();

    private volatile RunStatus status = RunStatus.RUNNING;
    private String error;
    private int pc;
    private int current = -1;
    private Integer jump;
    private Instant stepStart;
    private long stepStartNanos;

    public FlowRun(FlowDefinition flow, String jobId, Instant jobStart, Object input, Integer loopIndex,
            Cancellation cancellation) {
        this.flow = flow;
        this.jobId = jobId;
        this.timestamp = TIMESTAMP.format(jobStart);
        this.input = input;
        this.loopIndex = loopIndex;
        this.cancellation = cancellation;
    }

    public static FlowRun of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, FlowRun.class);
    }

    /** A run of {@code subFlow} called from this run. */
    public FlowRun child(FlowDefinition subFlow, Object childInput, Integer childLoopIndex) {
        FlowRun child = new FlowRun(subFlow, jobId, Instant.now(), childInput, childLoopIndex, cancellation);
        child.parent = this;
        return child.withTimestamp(timestamp());
    }

    private String inheritedTimestamp;
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

    private FlowRun withTimestamp(String parentTimestamp) {
        this.inheritedTimestamp = parentTimestamp;
        return this;
    }

    /** Everything a template or condition can see: the flow data plus the special variables. */
    public Map<String, Object> templateContext() {
        Map<String, Object> context = new HashMap<>(data.size() + 8);
        context.putAll(data);
        context.put("__timestamp__", timestamp());
        context.put("__job_id__", jobId);
        context.put("__flow_path__", flow.path());
        context.put("__input__", input);
        context.put("__loop_index__", loopIndex);
        context.putIfAbsent(ERRORS, List.of());
        return context;
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
        Map<String, Object> context = null;
        if (key.startsWith("__")) {
            context = templateContext();
            if (context.containsKey(key)) {
                return context.get(key);
            }
        }
        if (key.contains(".")) {
            if (context == null) {
                context = templateContext();
            }
            Object node = context;
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

    private IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("data_key '" + key + "' is not in the flow data (keys: "
                + String.join(", ", data.keySet()) + ")");
    }

    @SuppressWarnings("unchecked")
    public void addError(String step, String message) {
        Object existing = data.get(ERRORS);
        List<Object> errors = existing instanceof List<?> list ? (List<Object>) list : new ArrayList<>();
        if (!(existing instanceof ArrayList)) {
            errors = new ArrayList<>(errors);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("step", step);
        entry.put("error", message);
        errors.add(entry);
        data.put(ERRORS, errors);
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
    }

    public void record(String step, String stepStatus, String stepError) {
        long micros = stepStart == null ? 0 : (System.nanoTime() - stepStartNanos) / 1000;
        records.add(new StepRecord(step, stepStatus, stepStart == null ? Instant.now() : stepStart, micros, stepError));
        stepStart = null;
    }

    // --- accessors ---

    public FlowDefinition flow() {
        return flow;
    }

    public String jobId() {
        return jobId;
    }

    public String timestamp() {
        return inheritedTimestamp != null ? inheritedTimestamp : timestamp;
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

    public List<StepRecord> records() {
        return Collections.unmodifiableList(records);
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
}
