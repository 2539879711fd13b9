package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepCompiler;
import io.octoflow.step.StepType;

/**
 * Makes a Jira search result readable: in every issue's {@code fields}, custom field ids
 * ({@code customfield_10010}) become their names from the response's {@code names} (present when the query has
 * {@code expand=names}), and empty fields are dropped. The result is the list of issues.
 */
public final class JiraNamesMergeStep implements StepType {

    @Override
    public String type() {
        return "jira_names_merge";
    }

    @Override
    public String description() {
        return "Replaces Jira custom field ids by their names (from expand=names) and drops empty fields.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("data_key", Kind.STRING, "The Jira search response in the flow data."),
                Key.optional("list_key", Kind.STRING, "issues", "The list of issues in the response."));
    }

    @Override
    public String example() {
        return """
                - name: merge custom fields
                  type: jira_names_merge
                  result_key: tickets
                  jira_names_merge:
                    data_key: tickets_raw
                    list_key: issues
                  jq_expression: "[.[] | {id:.id, key:.key, self:.self}]"
                """;
    }

    @Override
    public Object compile(StepCompiler compiler, YNode block) {
        return block.get("list_key") == null ? "issues" : block.get("list_key").text();
    }

    @Override
    public void build(StepBuild build) {
        String listKey = build.settings(String.class);
        build.route().process(exchange -> exchange.getMessage().setBody(
                merge(exchange.getMessage().getBody(), listKey))).id(build.id());
    }

    static List<Object> merge(Object response, String listKey) {
        if (!(response instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("jira_names_merge: expected a Jira search response (a mapping), found "
                    + (response == null ? "null" : response.getClass().getSimpleName()));
        }
        if (!(map.get("names") instanceof Map<?, ?> names)) {
            throw new IllegalArgumentException("jira_names_merge: the response has no 'names'; add expand=names to"
                    + " the Jira query");
        }
        if (!(map.get(listKey) instanceof Collection<?> issues)) {
            throw new IllegalArgumentException("jira_names_merge: the response has no list '" + listKey + "'");
        }
        List<Object> merged = new ArrayList<>(issues.size());
        for (Object issue : issues) {
            if (!(issue instanceof Map<?, ?> issueMap)) {
                merged.add(issue);
                continue;
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            issueMap.forEach((k, v) -> copy.put(String.valueOf(k), v));
            if (issueMap.get("fields") instanceof Map<?, ?> fields) {
                Map<String, Object> named = new LinkedHashMap<>();
                fields.forEach((id, value) -> {
                    if (isEmpty(value)) {
                        return;
                    }
                    String key = String.valueOf(id);
                    Object name = key.startsWith("customfield_") ? names.get(key) : null;
                    named.put(name != null ? String.valueOf(name) : key, value);
                });
                copy.put("fields", named);
            }
            merged.add(copy);
        }
        return merged;
    }

    private static boolean isEmpty(Object value) {
        return value == null
                || value instanceof String s && s.isEmpty()
                || value instanceof Collection<?> c && c.isEmpty()
                || value instanceof Map<?, ?> m && m.isEmpty();
    }
}
