package io.octoflow.step;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.model.ProcessorDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /**
     * Appends the program as one processor ({@code id}): the body to a tree, the program, its outputs back to flow
     * data with integral numbers as integers (one call per step: Camel's routing of each processor costs more than
     * the conversions themselves).
     */
    public static void append(ProcessorDefinition<?> route, StepServices services, String program, String id) {
        route.process(processor(services, program)).id(id);
    }

    /** The program as one processor (see {@link #append}), for a step type that adds its own work before it. */
    public static Processor processor(StepServices services, String program) {
        return processor(services.json(), program, services.config().stepLimits());
    }

    private static final double EXACT = 9007199254740992d; // 2^53: larger integers are kept exact (ours)

    /**
     * The value with integral doubles as integers (see the class comment); the value itself, not a copy, when none
     * is to change (what {@link #plain} gives: it converts them already).
     */
    static Object integralNumbers(Object value) {
        return hasIntegralDouble(value, 0) ? integralCopy(value) : value;
    }

    private static boolean hasIntegralDouble(Object value, int depth) {
        if (value instanceof Double d) {
            return !d.isInfinite() && d == Math.rint(d) && Math.abs(d) <= EXACT;
        }
        if (value instanceof java.math.BigDecimal || depth > TREE_DEPTH) {
            return true; // the copy below decides, as before
        }
        if (value instanceof java.util.Map<?, ?> map) {
            for (Object each : map.values()) {
                if (hasIntegralDouble(each, depth + 1)) {
                    return true;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object each : list) {
                if (hasIntegralDouble(each, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Object integralCopy(Object value) {
        if (value instanceof Double d && !d.isInfinite() && d == Math.rint(d) && Math.abs(d) <= EXACT) {
            return integral(d);
        }
        if (value instanceof java.math.BigDecimal big) {
            return integralCopy(big.doubleValue());
        }
        if (value instanceof java.util.Map<?, ?> map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, integralCopy(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(integralCopy(v)));
            return out;
        }
        return value;
    }

    /** An integral double (checked by the caller) as an Integer when it fits, else a Long. */
    private static Object integral(double d) {
        long whole = (long) d;
        return whole == (int) whole ? (Object) (int) whole : (Object) whole;
    }

    /**
     * Evaluates the program on the body (a tree) under the step limits (see {@link JqRuntime}); the outputs replace
     * the body as camel-jq's expression gave them: none null, one the value, several a list. A program that does not
     * compile with the version used here fails when it runs, as the spooler fails.
     */
    private static Processor processor(ObjectMapper json, String program, StepLimits limits) {
        JsonQuery query;
        try {
            query = JqRuntime.compile(program);
        } catch (JsonQueryException e) {
            return exchange -> {
                throw e;
            };
        }
        return exchange -> {
            Message message = exchange.getMessage();
            JsonNode input = tree(json, message.getBody());
            FlowRun run = FlowRun.of(exchange);
            List<JsonNode> outputs = JqRuntime.evaluate(query, input == null ? NullNode.getInstance() : input,
                    limits.jqMaxSteps(), limits.jqMaxOutputNodes(), run == null ? null : run.cancellation());
            Object result = outputs.isEmpty() ? null : outputs.size() == 1 ? outputs.get(0) : outputs;
            message.setBody(integralNumbers(plain(json, result)));
        };
    }

    /**
     * Deeper than this, a value goes through Jackson's own conversion, with Jackson's nesting limits and errors (a
     * value holding itself included); above it, the walks here give exactly what Jackson gives.
     */
    private static final int TREE_DEPTH = 200;

    /** A value of the data too deep, or of a type left to Jackson: the whole value is converted by Jackson. */
    private static final class LeftToJackson extends RuntimeException {
        LeftToJackson() {
            super(null, null, false, false);
        }
    }

    private static final LeftToJackson LEFT_TO_JACKSON = new LeftToJackson();

    /**
     * The body as a Jackson tree: {@code json.valueToTree(body)}, walked directly for what flow data is made of
     * (maps with text keys, lists, text, Integer, Long, Double, Boolean, null): Jackson's way serializes the value
     * into a token buffer and parses it back, which cost as much as the jq program itself. Anything else (another
     * number type, a date, a bean...) goes through Jackson.
     */
    static JsonNode tree(ObjectMapper json, Object body) {
        if (body == null) {
            return NullNode.getInstance();
        }
        try {
            return directTree(json.getNodeFactory(), body, 0);
        } catch (LeftToJackson other) {
            return json.valueToTree(body);
        }
    }

    private static JsonNode directTree(JsonNodeFactory nodes, Object value, int depth) {
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof Integer number) {
            return nodes.numberNode(number.intValue());
        }
        if (value instanceof Long number) {
            return nodes.numberNode(number.longValue());
        }
        if (value instanceof Double number) {
            return nodes.numberNode(number.doubleValue());
        }
        if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        }
        if (depth >= TREE_DEPTH) {
            throw LEFT_TO_JACKSON;
        }
        if (value instanceof java.util.Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw LEFT_TO_JACKSON;
                }
                object.set(key, directTree(nodes, entry.getValue(), depth + 1));
            }
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode(list.size());
            for (Object each : list) {
                array.add(directTree(nodes, each, depth + 1));
            }
            return array;
        }
        throw LEFT_TO_JACKSON;
    }

    /**
     * jq's outputs as plain Java: each tree as {@code json.convertValue(node, Object.class)} gives it, walked directly
     * for objects, arrays, text, booleans, null, int, long and double nodes (integral doubles already made integers,
     * see {@link #integralNumbers}); other nodes go through Jackson.
     */
    static Object plain(ObjectMapper json, Object value) {
        if (value instanceof JsonNode node) {
            if (node.isNull() || node.isMissingNode()) {
                return null;
            }
            try {
                return directPlain(node, 0);
            } catch (LeftToJackson other) {
                return json.convertValue(node, Object.class);
            }
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(plain(json, item)));
            return out;
        }
        return value;
    }

    private static Object directPlain(JsonNode node, int depth) {
        switch (node.getNodeType()) {
            case STRING:
                return node.textValue();
            case BOOLEAN:
                return node.booleanValue();
            case NULL:
                return null;
            case NUMBER:
                if (node instanceof IntNode) {
                    return node.intValue();
                }
                if (node instanceof LongNode) {
                    return node.longValue();
                }
                if (node instanceof DoubleNode) {
                    double d = node.doubleValue();
                    return !Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) <= EXACT ? integral(d) : d;
                }
                throw LEFT_TO_JACKSON;
            case OBJECT:
                if (depth >= TREE_DEPTH) {
                    throw LEFT_TO_JACKSON;
                }
                java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
                for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> fields = node.fields();
                        fields.hasNext(); ) {
                    java.util.Map.Entry<String, JsonNode> field = fields.next();
                    map.put(field.getKey(), directPlain(field.getValue(), depth + 1));
                }
                return map;
            case ARRAY:
                if (depth >= TREE_DEPTH) {
                    throw LEFT_TO_JACKSON;
                }
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode each : node) {
                    list.add(directPlain(each, depth + 1));
                }
                return list;
            default:
                throw LEFT_TO_JACKSON;
        }
    }
}
