package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.FlowRun;
import io.octoflow.execution.RunStatus;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Calls another flow once per item of a list, in parallel (Camel's split, on a pool of FLOW_MAX_WORKERS threads
 * per step), and waits for all of them. Each item is the sub-flow's {@code __input__}, its 1-based position
 * {@code __loop_index__}. As on the spooler, the result is, in input order, one pair per item:
 * {@code [sub-flow final data, {"type": "success" | "failed" | "exit", "message": ...}]}; a sub-flow that fails or
 * exits does not fail the step.
 */
public final class FlowLoopStep implements StepType<String> {

    private static final String RESULTS = "octoflow.loopResults";

    @Override
    public String type() {
        return "flow_loop";
    }

    @Override
    public String description() {
        return "Calls another flow once per item of a list, in parallel; results in input order.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("path", Kind.STRING, "Flow file relative to FLOWS_PATH; the result is a list of"
                        + " [final data, {type: success|failed|exit, message}] pairs, in input order."),
                Key.required("data_key", Kind.STRING, "A key of the flow data holding the list to loop over."));
    }

    @Override
    public String example() {
        return """
                - name: loop tickets
                  type: flow_loop
                  result_key: results
                  flow_loop:
                    path: ticket_to_awx.yml
                    data_key: tickets
                """;
    }

    @Override
    public String compile(StepCompiler compiler, YNode block) {
        return compiler.subFlow(block.get("path"));
    }

    /**
     * As the spooler reads it while it builds the step: the value of data_key (null when missing) must be a list,
     * or the flow fails, whatever ignore_errors says, with nothing added to __errors__.
     */
    @Override
    public Object input(FlowRun run, String dataKey) {
        Object items = run.lookupOrNull(dataKey);
        if (!(items instanceof List<?>)) {
            throw new StepConstructionException("flow_loop.data_key '" + dataKey + "' must produce a list, found "
                    + (items == null ? "nothing" : items.getClass().getSimpleName().toLowerCase()));
        }
        return items;
    }

    @Override
    public void build(StepBuild<String> build) {
        String path = build.settings(); // the called file's path: flows are identified by path
        int workers = build.services().config().flowMaxWorkers();
        ExecutorService pool = build.services().camelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "flow_loop " + build.id(), workers);
        String dataKey = build.step().dataKey();
        // an inner flow_loop's split copies its own split index back onto this item's exchange: the item keeps its
        // position under a name of this step's own
        String position = "octoflow.loopItem:" + build.id();
        SubFlowRoute sub = new SubFlowRoute(path, build.services().config().flowsPath());
        build.route()
                .process(exchange -> {
                    Object items = exchange.getMessage().getBody();
                    if (items instanceof Map<?, ?> map) {
                        items = new ArrayList<>(map.values());
                    }
                    if (!(items instanceof Collection<?>)) {
                        throw new IllegalArgumentException("flow_loop.data_key '" + dataKey + "' must hold a list, found "
                                + (items == null ? "null" : items.getClass().getSimpleName()));
                    }
                    if (!((Collection<?>) items).isEmpty()) {
                        sub.requireDeployed(exchange); // an empty list calls nothing, as on the spooler
                    }
                    // Camel's splitter drops null items: each item travels wrapped, so a null is one run too
                    exchange.getMessage().setBody(((Collection<?>) items).stream().map(Item::new).toList());
                }).id(build.id("items"))
                .split(body(), new InInputOrder(position)).parallelProcessing().executorService(pool)
                    .id(build.id())
                    .process(exchange -> {
                        int index = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
                        exchange.setProperty(position, index);
                        exchange.setProperty(FlowRun.LOOP_INDEX, index + 1);
                        exchange.getMessage().setBody(exchange.getMessage().getBody(Item.class).value());
                    }).id(build.id("item"))
                    .doTry()
                        .to(sub.endpointUri()).id(build.id("call"))
                    .doCatch(Exception.class)
                        .process(exchange -> exchange.setProperty(FAILURE, exchange.getProperty(
                                Exchange.EXCEPTION_CAUGHT, Exception.class))).id(build.id("failed"))
                    .end()
                    .process(FlowLoopStep::outcome).id(build.id("outcome"))
                .end()
                .process(FlowLoopStep::collect).id(build.id("results"));
    }

    /** One item of the list, as the splitter carries it. */
    private record Item(Object value) {
    }

    static final String SUCCESS = "Flow completed successfully.";
    static final String EXITED = "Flow exited.";
    private static final String FAILURE = "octoflow.loopFailure";

    /** The item's pair: the sub-flow's final data (special variables included) and how it ended. */
    private static void outcome(Exchange exchange) {
        FlowRun child = exchange.getProperty(FlowRun.FINISHED_RUN, FlowRun.class);
        exchange.removeProperty(FlowRun.FINISHED_RUN);
        Exception failure = exchange.getProperty(FAILURE, Exception.class);
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> status = new LinkedHashMap<>();
        if (child != null) {
            data.putAll(child.templateContext());
            data.putAll(child.data());
        }
        if (child != null && child.status() == RunStatus.EXIT) {
            status.put("type", "exit");
            status.put("message", child.error() != null ? child.error() : EXITED);
        } else if (child != null && child.status() == RunStatus.SUCCESS && failure == null) {
            status.put("type", "success");
            status.put("message", SUCCESS);
        } else {
            status.put("type", "failed");
            // the spooler's message is None: the error is in the sub-flow's __errors__ (or the reason it did not run)
            status.put("message", child == null && failure != null ? ErrorText.of(failure) : null);
        }
        exchange.getMessage().setBody(new ArrayList<>(List.of(data, status)));
    }

    private static org.apache.camel.Expression body() {
        return org.apache.camel.builder.Builder.body();
    }

    @SuppressWarnings("unchecked")
    private static void collect(Exchange exchange) {
        Map<Integer, Object> results = exchange.getProperty(RESULTS, Map.class);
        exchange.removeProperty(RESULTS);
        if (results != null) {
            exchange.getMessage().setBody(new ArrayList<>(results.values()));
        } else if (!(exchange.getMessage().getBody() instanceof List)) {
            exchange.getMessage().setBody(new ArrayList<>());
        }
    }

    /** Keeps each item's result at its split index, whatever order the parallel sub-flows finish in. */
    private static final class InInputOrder implements AggregationStrategy {

        private final String position;

        InInputOrder(String position) {
            this.position = position;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
            Exchange target = oldExchange != null ? oldExchange : newExchange;
            Map<Integer, Object> results = target.getProperty(RESULTS, Map.class);
            if (results == null) {
                results = new TreeMap<>();
                target.setProperty(RESULTS, results);
            }
            results.put(newExchange.getProperty(position, Integer.class), newExchange.getMessage().getBody());
            return target;
        }
    }
}
