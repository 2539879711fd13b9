package io.octoflow.step;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Processor;
import org.apache.camel.model.ProcessorDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import io.octoflow.config.StepLimits;
import io.octoflow.execution.FlowRun;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Runs a jq program (jackson-jq, as camel-jq does, under the limits of {@link JqRuntime}) on the body. Flow data is plain Java (maps and lists, which Jinja
 * understands); jq works on Jackson trees, so the body is converted on the way in and out. jq's outputs
 * follow the spooler: none gives null, one gives that value, several give a list; integral numbers come out as
 * integers, as libjq (which computes with doubles) prints them: 1.0 gives 1. This holds for the jq step and for
 * every step's jq_expression.
 */
public final class JqProcessors {

    private JqProcessors() {
    }

    public static void append(ProcessorDefinition<?> route, StepServices services, String program, String id) {
        ObjectMapper json = services.json();
        route.process(toTree(json)).id(id + ":in")
                .process(evaluate(program, services.config().stepLimits())).id(id)
                .process(fromTree(json)).id(id + ":out")
                .process(exchange -> exchange.getMessage().setBody(integralNumbers(exchange.getMessage().getBody())))
                .id(id + ":numbers");
    }

    private static final double EXACT = 9007199254740992d; // 2^53: larger integers are kept exact (ours)

    static Object integralNumbers(Object value) {
        if (value instanceof Double d && !d.isInfinite() && d == Math.rint(d) && Math.abs(d) <= EXACT) {
            return d.longValue() == (int) d.longValue() ? (Object) (int) d.longValue() : (Object) d.longValue();
        }
        if (value instanceof java.math.BigDecimal big) {
            return integralNumbers(big.doubleValue());
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, integralNumbers(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(integralNumbers(v)));
            return out;
        }
        return value;
    }

    /**
     * Evaluates the program on the body (a tree) under the step limits (see {@link JqRuntime}); the outputs replace
     * the body as camel-jq's expression gave them: none null, one the value, several a list. A program that does not
     * compile with the version used here fails when it runs, as the spooler fails.
     */
    private static Processor evaluate(String program, StepLimits limits) {
        JsonQuery query;
        try {
            query = JqRuntime.compile(program);
        } catch (JsonQueryException e) {
            return exchange -> {
                throw e;
            };
        }
        return exchange -> {
            FlowRun run = FlowRun.of(exchange);
            JsonNode input = exchange.getMessage().getBody(JsonNode.class);
            List<JsonNode> outputs = JqRuntime.evaluate(query, input == null ? NullNode.getInstance() : input,
                    limits.jqMaxSteps(), limits.jqMaxOutputNodes(), run == null ? null : run.cancellation());
            exchange.getMessage().setBody(outputs.isEmpty() ? null : outputs.size() == 1 ? outputs.get(0) : outputs);
        };
    }

    private static Processor toTree(ObjectMapper json) {
        return exchange -> {
            Object body = exchange.getMessage().getBody();
            JsonNode tree = body == null ? NullNode.getInstance() : json.valueToTree(body);
            exchange.getMessage().setBody(tree, JsonNode.class);
        };
    }

    private static Processor fromTree(ObjectMapper json) {
        return exchange -> exchange.getMessage().setBody(plain(json, exchange.getMessage().getBody()));
    }

    static Object plain(ObjectMapper json, Object value) {
        if (value instanceof JsonNode node) {
            return node.isNull() || node.isMissingNode() ? null : json.convertValue(node, Object.class);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(plain(json, item)));
            return out;
        }
        return value;
    }
}
