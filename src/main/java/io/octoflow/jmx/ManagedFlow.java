package io.octoflow.jmx;

import java.time.Instant;
import java.time.ZoneId;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.Trigger;
import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.OperationException;
import io.octoflow.schedule.ScheduleEntry;

/** The MBean of one flow: every call goes to {@link FlowOperations}, as the REST API's do. */
public final class ManagedFlow implements FlowMBean {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flow's id: every call names the flow by it. */
    private final String path;
    private final String name;
    private final FlowOperations operations;
    private final ZoneId timezone;

    public ManagedFlow(String path, String name, FlowOperations operations, ZoneId timezone) {
        this.path = path;
        this.name = name;
        this.operations = operations;
        this.timezone = timezone;
    }

    @Override
    public String getName() {
        return operations.flowAt(path).map(flow -> flow.name()).orElse(name);
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public String getSchedule() {
        var schedules = operations.schedules(path).stream().map(ScheduleEntry::describe).toList();
        return schedules.isEmpty() ? "none" : String.join(", ", schedules);
    }

    @Override
    public String getNextFireTime() {
        return operations.nextFire(path).map(this::time).orElse(null);
    }

    @Override
    public String getLastStatus() {
        return operations.lastRun(path).map(run -> run.status()).orElse(null);
    }

    @Override
    public String getLastStarted() {
        return operations.lastRun(path).map(run -> time(run.startedAt())).orElse(null);
    }

    @Override
    public boolean isLocked() {
        return operations.locked(path);
    }

    @Override
    public boolean isPaused() {
        return operations.paused(path);
    }

    @Override
    public String launch(String dataJson) {
        Object input = null;
        if (dataJson != null && !dataJson.isBlank()) {
            try {
                input = JSON.readValue(dataJson, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("dataJson: expected JSON (an object such as {\"day\": \"monday\"}),"
                        + " line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr() + ": "
                        + e.getOriginalMessage());
            }
        }
        Object data = input;
        return call(() -> operations.launch(operations.flowAt(path).orElseThrow(() -> OperationException.notFound(
                "no flow is deployed at '" + path + "'")), data, null, Trigger.JMX).executionId());
    }

    @Override
    public boolean unlock() {
        return call(() -> operations.unlock(path));
    }

    @Override
    public void pause() {
        call(() -> operations.pause(path));
    }

    @Override
    public void resume() {
        call(() -> operations.resume(path));
    }

    private String time(Instant instant) {
        return instant.atZone(timezone).toOffsetDateTime().toString();
    }

    /**
     * A refusal as a JDK exception with the same message: a remote JMX client (jconsole) has none of Octoflow's
     * classes, and could not read one of ours.
     */
    private static <T> T call(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (OperationException e) {
            throw e.reason() == OperationException.Reason.CONFLICT ? new IllegalStateException(e.getMessage())
                    : new IllegalArgumentException(e.getMessage());
        } catch (IllegalArgumentException e) {
            // a name several flows share (AmbiguousFlowException), or a path that is none
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
