package io.octoflow.jmx;

import java.time.Instant;
import java.time.ZoneId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The MBean of one flow: every call goes to {@link FlowControl}, as the REST API's do. */
public final class ManagedFlow implements FlowMBean {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flow's id: every call names the flow by it. */
    private final String path;
    private final String name;
    private final FlowControl control;
    private final ZoneId timezone;

    public ManagedFlow(String path, String name, FlowControl control, ZoneId timezone) {
        this.path = path;
        this.name = name;
        this.control = control;
        this.timezone = timezone;
    }

    @Override
    public String getName() {
        return control.name(path).orElse(name);
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public String getSchedule() {
        var schedules = control.schedules(path);
        return schedules.isEmpty() ? "none" : String.join(", ", schedules);
    }

    @Override
    public String getNextFireTime() {
        return control.nextFire(path).map(this::time).orElse(null);
    }

    @Override
    public String getLastStatus() {
        return control.lastRun(path).map(run -> run.status()).orElse(null);
    }

    @Override
    public String getLastStarted() {
        return control.lastRun(path).map(run -> time(run.startedAt())).orElse(null);
    }

    @Override
    public boolean isLocked() {
        return control.locked(path);
    }

    @Override
    public boolean isPaused() {
        return control.paused(path);
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
        return control.launch(path, input, "jmx");
    }

    @Override
    public boolean unlock() {
        return control.unlock(path);
    }

    @Override
    public void pause() {
        control.pause(path);
    }

    @Override
    public void resume() {
        control.resume(path);
    }

    private String time(Instant instant) {
        return instant.atZone(timezone).toOffsetDateTime().toString();
    }
}
