package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.template.Template;

/**
 * A YAML value whose strings are templates, compiled once: mappings and lists keep their shape and every string
 * in them is rendered ({@code "{{ x }}"} alone keeps x's own type).
 */
final class TemplatedValue {

    private final Object compiled;

    private TemplatedValue(Object compiled) {
        this.compiled = compiled;
    }

    static TemplatedValue compile(StepCompiler compiler, YNode node) {
        return new TemplatedValue(compileNode(compiler, node));
    }

    private static Object compileNode(StepCompiler compiler, YNode node) {
        if (node.isMapping()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.entries().forEach((k, v) -> map.put(k, compileNode(compiler, v)));
            return map;
        }
        if (node.isSequence()) {
            List<Object> list = new ArrayList<>();
            node.items().forEach(i -> list.add(compileNode(compiler, i)));
            return list;
        }
        if (node.isString()) {
            Template template = compiler.template(node);
            return template == null || template.isConstant() ? node.text() : template;
        }
        return node.scalar();
    }

    Object evaluate(Map<String, Object> context) {
        return evaluate(compiled, context);
    }

    private static Object evaluate(Object value, Map<String, Object> context) {
        if (value instanceof Template template) {
            return template.evaluate(context);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, evaluate(v, context)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(evaluate(v, context)));
            return out;
        }
        return value;
    }
}
