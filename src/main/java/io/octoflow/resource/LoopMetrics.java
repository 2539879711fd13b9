package io.octoflow.resource;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.octoflow.metrics.FlowMetrics;

/**
 * miniloops' runner metrics, under their miniloops names so that existing dashboards keep working:
 * {@code miniloops_runner_execution_count}, {@code miniloops_runner_execution_error_count} and
 * {@code miniloops_runner_execution_duration{unit="ms"}} (total milliseconds), labelled {@code loop} and
 * {@code namespace}. miniloops declares them as Prometheus counters without the {@code _total} suffix; a Micrometer
 * counter would be exported as {@code ..._total}, so they are gauges over ever-growing values (use
 * {@code rate()} as with counters). A Loop's runs also count in {@link FlowMetrics} (path {@code loop:<ns>/<name>}):
 * both sets are registered when the Loop is deployed, at 0, and removed with it.
 */
public final class LoopMetrics {

    private static final String PREFIX = "miniloops.runner.";

    private final FlowMetrics flows;
    private final MeterRegistry registry;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /** One loop's values; Micrometer holds gauge targets weakly, so they live here. */
    public static final class Series {
        private final AtomicLong executions = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong millis = new AtomicLong();

        public void executed(long durationMillis, boolean success) {
            millis.addAndGet(durationMillis);
            if (!success) {
                errors.incrementAndGet();
            }
            executions.incrementAndGet(); // last: a scrape never sees an execution without its error
        }
    }

    public LoopMetrics(FlowMetrics flows) {
        this.flows = flows;
        this.registry = flows.registry();
    }

    /** The series of one loop, registered when it is deployed. */
    public Series of(String namespace, String loop) {
        return series.computeIfAbsent(namespace + "/" + loop, key -> {
            flows.deployed(loop, LoopIteration.id(namespace, loop));
            Series s = new Series();
            Gauge.builder(PREFIX + "execution.count", s.executions, AtomicLong::get)
                    .description("Executions of each Loop (a counter)").tags("loop", loop, "namespace", namespace)
                    .register(registry);
            Gauge.builder(PREFIX + "execution.error.count", s.errors, AtomicLong::get)
                    .description("Failed executions of each Loop (a counter)")
                    .tags("loop", loop, "namespace", namespace).register(registry);
            Gauge.builder(PREFIX + "execution.duration", s.millis, AtomicLong::get)
                    .description("Total execution time of each Loop, in milliseconds (a counter)")
                    .tags("loop", loop, "namespace", namespace, "unit", "ms").register(registry);
            return s;
        });
    }

    /** A deleted loop's series go. */
    public void remove(String namespace, String loop) {
        if (series.remove(namespace + "/" + loop) == null) {
            return;
        }
        flows.flowRemoved(LoopIteration.id(namespace, loop));
        for (Meter meter : registry.getMeters()) {
            if (meter.getId().getName().startsWith(PREFIX) && loop.equals(meter.getId().getTag("loop"))
                    && namespace.equals(meter.getId().getTag("namespace"))) {
                registry.remove(meter);
            }
        }
    }
}
