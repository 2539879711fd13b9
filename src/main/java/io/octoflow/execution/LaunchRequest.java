package io.octoflow.execution;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a launcher hands to a flow route: the job's identity, its input (the flow's {@code __input__}) and a way to
 * see the run it started. {@code initialData} presets keys of the flow data; launches by users (API, CLI, JMX,
 * schedules) leave it empty, since the spooler never merges the payload into the data; tests and embedding code
 * use it to start a flow from given data. {@code event} is what an event trigger knows of the event that started the
 * run (kind, path, received time...): the flow's {@code __trigger__}; null for other launches.
 */
public final class LaunchRequest {

    public static final String PROPERTY = "octoflow.launch";

    private final String executionId;
    private final Instant started;
    private final Object input;
    private final Map<String, Object> initialData;
    private final Map<String, Object> event;
    private final Cancellation cancellation = new Cancellation();
    private final AtomicReference<FlowRun> run = new AtomicReference<>();

    public LaunchRequest(String executionId, Instant started, Object input, Map<String, Object> initialData) {
        this(executionId, started, input, initialData, null);
    }

    public LaunchRequest(String executionId, Instant started, Object input, Map<String, Object> initialData,
            Map<String, Object> event) {
        this.executionId = executionId;
        this.started = started;
        this.input = input;
        this.initialData = initialData == null ? Map.of() : initialData;
        this.event = event;
    }

    /** The event trigger's metadata ({@code __trigger__}), or null. */
    public Map<String, Object> event() {
        return event;
    }

    public String executionId() {
        return executionId;
    }

    public Instant started() {
        return started;
    }

    public Object input() {
        return input;
    }

    public Map<String, Object> initialData() {
        return initialData;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public void started(FlowRun flowRun) {
        run.set(flowRun);
    }

    public FlowRun run() {
        return run.get();
    }
}
