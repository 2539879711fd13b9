package io.octoflow.trigger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code __trigger__} of a run an event started: always its {@code kind} and the time the event was
 * {@code received} (ISO 8601, UTC), then what the kind knows (a webhook's path and safe headers, a file's name...).
 * Never a secret: the run's data, history and results show it.
 */
final class TriggerEvent {

    private TriggerEvent() {
    }

    static Map<String, Object> of(String kind) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("kind", kind);
        event.put("received", Instant.now().toString());
        return event;
    }
}
