package io.octoflow.trigger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.TriggerFormats;
import io.octoflow.logging.LogText;

/**
 * The registry of event sources, one per {@code trigger:} kind, told by the composition root what the flows
 * directory deploys: a flow deployed (or replaced) gets its trigger from the source of its kind, a flow removed or
 * replaced without one loses it. As a {@link TriggerSource} it starts and stops every event source.
 */
public final class EventTriggers implements TriggerSource {

    private static final Logger LOG = LogManager.getLogger(EventTriggers.class);

    private final Map<String, EventSource> byKind = new LinkedHashMap<>();
    /** The kind of trigger each flow (by id) has deployed now. */
    private final Map<String, String> deployed = new HashMap<>();

    public EventTriggers(List<EventSource> sources) {
        for (EventSource source : sources) {
            if (TriggerFormats.find(source.kind()).isEmpty()) {
                throw new IllegalArgumentException("no trigger kind '" + source.kind() + "' in the flow format");
            }
            byKind.put(source.kind(), source);
        }
    }

    @Override
    public String name() {
        return "event triggers (" + String.join(", ", byKind.keySet()) + ")";
    }

    /** {@code flow} is deployed, or replaced its previous version: its trigger follows. */
    public synchronized void deployed(FlowDefinition flow) {
        String before = deployed.remove(flow.id());
        String kind = flow.trigger() == null ? null : flow.trigger().kind();
        if (before != null && !before.equals(kind)) {
            byKind.get(before).undeploy(flow.id());
        }
        if (kind == null) {
            return;
        }
        EventSource source = byKind.get(kind);
        if (source == null) {
            LOG.warn("{}: no source serves 'trigger: {}' here; the flow runs only when launched",
                    LogText.oneLine(flow.path()), kind);
            return;
        }
        try {
            source.deploy(flow);
            deployed.put(flow.id(), kind);
        } catch (Exception e) {
            LOG.error("{}: its {} trigger cannot start: {}", LogText.oneLine(flow.path()), kind,
                    LogText.oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** {@code flow} is gone: so is its trigger. */
    public synchronized void removed(FlowDefinition flow) {
        String kind = deployed.remove(flow.id());
        if (kind != null) {
            byKind.get(kind).undeploy(flow.id());
        }
    }

    @Override
    public void start() throws Exception {
        for (EventSource source : byKind.values()) {
            source.start();
        }
    }

    @Override
    public void stop() {
        List<EventSource> sources = new ArrayList<>(byKind.values());
        for (int i = sources.size() - 1; i >= 0; i--) {
            try {
                sources.get(i).stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping the {} triggers: {}", sources.get(i).kind(), e.getMessage());
            }
        }
    }
}
