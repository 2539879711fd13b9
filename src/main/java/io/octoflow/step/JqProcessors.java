package io.octoflow.step;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Expression;
import org.apache.camel.Processor;
import org.apache.camel.model.ProcessorDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Runs a jq program through camel-jq on the body. Flow data is plain Java (maps and lists, which Jinja
 * understands); camel-jq works on Jackson trees, so the body is converted on the way in and out. jq's outputs
 * follow the spooler: none gives null, one gives that value, several give a list; integral numbers come out as
 * integers, as libjq (which computes with doubles) prints them: 1.0 gives 1. This holds for the jq step and for
 * every step's jq_expression.
 */
public final class JqProcessors {

    private JqProcessors() {
    }

    public static void append(ProcessorDefinition<?> route, CamelContext context, ObjectMapper json, String program,
            String id) {
        Expression jq = context.resolveLanguage("jq").createExpression(program);
        route.process(toTree(json)).id(id + ":in")
                .transform(jq).id(id)
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
