package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Makes a Jira search result readable, as the spooler does: in every issue's {@code fields}, custom field ids
 * ({@code customfield_10010}) found in the response's {@code names} (present when the query has
 * {@code expand=names}) become that name in snake case ({@code VM Name} → {@code vm_name}); null and empty-list
 * fields are dropped. The result is the list of issues; the response under data_key gets the same fields.
 */
public final class JiraNamesMergeStep implements StepType<String> {

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
    public String compile(StepCompiler compiler, YNode block) {
        return block.get("list_key") == null ? "issues" : block.get("list_key").text();
    }

    @Override
    public void build(StepBuild<String> build) {
        String listKey = build.settings();
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
        Object list = map.containsKey(listKey) ? map.get(listKey) : List.of(); // the spooler: missing is []
        if (!(list instanceof Collection<?> issues)) {
            throw new IllegalArgumentException("jira_names_merge: '" + listKey + "' in the response is not a list");
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
                    named.put(name != null && !String.valueOf(name).isEmpty() ? snakeCase(String.valueOf(name))
                            : key, value);
                });
                copy.put("fields", named);
                // the spooler's issue copies share their fields with the response: it changes too
                replaceFields(issueMap, named);
            }
            merged.add(copy);
        }
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static void replaceFields(Map<?, ?> issue, Map<String, Object> named) {
        try {
            ((Map<Object, Object>) issue).put("fields", named);
        } catch (UnsupportedOperationException e) {
            // an unmodifiable response stays as it was
        }
    }

    /** {@code VM Name} → {@code vm_name}: dots, dashes and spaces become underscores, letters lower case. */
    static String snakeCase(String name) {
        return name.replace('.', '_').replace('-', '_').replace(' ', '_').toLowerCase(java.util.Locale.ROOT);
    }

    /** None and [] are dropped; "" and {} are kept, as on the spooler. */
    private static boolean isEmpty(Object value) {
        return value == null || value instanceof Collection<?> c && c.isEmpty();
    }
}
