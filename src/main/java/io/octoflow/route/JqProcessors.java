package io.octoflow.route;

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
 * follow the spooler: none gives null, one gives that value, several give a list.
 */
public final class JqProcessors {

    private JqProcessors() {
    }

    public static void append(ProcessorDefinition<?> route, CamelContext context, ObjectMapper json, String program,
            String id) {
        Expression jq = context.resolveLanguage("jq").createExpression(program);
        route.process(toTree(json)).id(id + ":in")
                .transform(jq).id(id)
                .process(fromTree(json)).id(id + ":out");
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
