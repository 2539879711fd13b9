package io.octoflow.step.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.datasource.Datasources;
import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;

/**
 * Runs one SQL statement on a named datasource ({@link Datasources}): a query gives its rows as a list of mappings,
 * anything else {@code {updated: n}}. Values reach the statement only as bound parameters ({@code :name}, from
 * {@code parameters}, whose values are templates), never as SQL text. With {@code batch: true}, the list under
 * {@code data_key} is sent as one JDBC batch, in one transaction.
 *
 * <p>Plain JDBC rather than camel-sql: camel-sql runs the statement inside Spring's JdbcTemplate, which never hands
 * out the Statement, so a run that times out or is aborted could not cancel it ({@link SqlExecution} does, with
 * {@code Statement.cancel()}); and its {@code :#name} placeholders are found by a regular expression that also
 * rewrites {@code #} and {@code :#} inside string literals, comments and PostgreSQL's {@code #>>} operator, where
 * {@link SqlQuery} reads the SQL as the database does.
 */
public final class SqlStep implements StepType<SqlStep.Settings> {

    /** The name the list item has in the templates of {@code parameters}, in a batch. */
    static final String ITEM = "item";

    record Settings(String datasource, SqlQuery query, Map<String, TemplatedValue> parameters, boolean batch,
            int fetchSize, int maxRows) {
    }

    /** The configured datasources; null in a registry that only validates flows (names are then not checked). */
    private final Datasources datasources;

    public SqlStep(Datasources datasources) {
        this.datasources = datasources;
    }

    @Override
    public String type() {
        return "sql";
    }

    @Override
    public String description() {
        return "Runs a SQL statement (H2, PostgreSQL) with named parameters; rows as a list of mappings, or"
                + " {updated: n}.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.required("query", Kind.STRING, "One SQL statement (not templated); :name is a parameter,"
                        + " bound from 'parameters' (in a batch, from each item when 'parameters' is absent)."),
                Key.optional("parameters", Kind.MAPPING, "name -> value bound to :name (templated: \"{{ x }}\""
                        + " keeps x's type; in a batch, the list item is 'item'). Each name must be used by the"
                        + " query, and each :name of the query given here."),
                Key.optional("datasource", Kind.STRING, OctoflowConfig.DEFAULT_DATASOURCE, "A database named in"
                        + " DATASOURCES (its DATASOURCE_<NAME>_URL; user and password from the secrets.yml entry"
                        + " DATASOURCE_<NAME>_SECRET names); default: the history database (DB_URL)."),
                Key.optional("batch", Kind.BOOLEAN, false, "Run the statement once per item of the list under"
                        + " data_key, as one JDBC batch in one transaction; the result is {updated: n}."),
                Key.optional("data_key", Kind.STRING, "With batch: the list of items (mappings) to send."),
                Key.optional("fetch_size", Kind.INTEGER, "Rows fetched from the database at a time (a cursor on"
                        + " PostgreSQL); default: the driver's (all at once on PostgreSQL)."),
                Key.optional("max_rows", Kind.INTEGER, "At most this many rows (the database stops there, the rest"
                        + " are not returned); default: all."));
    }

    @Override
    public String example() {
        return """
                - name: open tickets
                  type: sql
                  result_key: open_tickets
                  sql:
                    query: >-
                      SELECT id, title FROM tickets
                      WHERE status = :status AND priority >= :priority ORDER BY id
                    parameters:
                      status: open
                      priority: "{{ __input__.min_priority | default(2) }}"
                    max_rows: 100
                - name: save tickets
                  type: sql
                  sql:
                    datasource: warehouse
                    query: INSERT INTO tickets_copy (id, title) VALUES (:id, :title)
                    batch: true
                    data_key: open_tickets
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        YNode queryNode = block.get("query");
        SqlQuery query = SqlQuery.parse(queryNode.text());
        if (query.problem() != null) {
            compiler.problem(queryNode, "sql.query: " + query.problem());
        }
        String datasource = OctoflowConfig.DEFAULT_DATASOURCE;
        YNode datasourceNode = block.get("datasource");
        if (datasourceNode != null) {
            datasource = datasourceNode.text();
            if (datasources != null && !datasources.knows(datasource)) {
                compiler.problem(datasourceNode, "sql.datasource: unknown datasource '" + datasource
                        + "' (configured: " + String.join(", ", datasources.names()) + "; a name is added with"
                        + " DATASOURCES and DATASOURCE_<NAME>_URL)");
            }
        }
        boolean batch = block.get("batch") != null && Boolean.TRUE.equals(block.get("batch").scalar());
        if (batch && block.get("data_key") == null) {
            compiler.problem(block.keyNode("batch"), "sql: batch needs a 'data_key' (the list of items to send)");
        }
        if (!batch && block.get("data_key") != null) {
            compiler.problem(block.keyNode("data_key"), "sql.data_key: only used with batch: true (a single"
                    + " statement takes its values from 'parameters')");
        }
        YNode parametersNode = block.get("parameters");
        Map<String, TemplatedValue> parameters = null;
        if (parametersNode != null) {
            parameters = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, YNode> entry : parametersNode.entries().entrySet()) {
                parameters.put(entry.getKey(), TemplatedValue.compile(compiler, entry.getValue()));
                if (query.problem() == null && !query.names().contains(entry.getKey())) {
                    compiler.problem(parametersNode.keyNode(entry.getKey()), "sql.parameters: '" + entry.getKey()
                            + "' is not used by the query (its parameters: " + describe(query.names()) + ")");
                }
            }
        }
        if (query.problem() == null && (parameters != null || !batch)) {
            Set<String> missing = new TreeSet<>(query.names());
            if (parameters != null) {
                missing.removeAll(parameters.keySet());
            }
            if (!missing.isEmpty()) {
                compiler.problem(queryNode, "sql.query: " + describe(missing) + (missing.size() == 1 ? " has" : " have")
                        + " no value in 'parameters'" + (batch ? "" : " (values are bound by name, never"
                        + " written into the SQL)"));
            }
        }
        int fetchSize = nonNegative(compiler, block.get("fetch_size"), "fetch_size");
        int maxRows = nonNegative(compiler, block.get("max_rows"), "max_rows");
        return new Settings(datasource, query, parameters, batch, fetchSize, maxRows);
    }

    private static String describe(Set<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> written = new ArrayList<>();
        names.forEach(n -> written.add(":" + n));
        return String.join(", ", written);
    }

    private static int nonNegative(StepCompiler compiler, YNode node, String key) {
        if (node == null) {
            return 0;
        }
        long value = ((Number) node.scalar()).longValue();
        if (value < 0 || value > Integer.MAX_VALUE) {
            compiler.problem(node, "sql." + key + ": expected a whole number from 0 to " + Integer.MAX_VALUE
                    + ", found " + value);
            return 0;
        }
        return (int) value;
    }

    @Override
    public void build(StepBuild<Settings> build) {
        if (datasources == null) {
            throw new IllegalStateException("step type sql was made without datasources: it only validates");
        }
        SqlExecution execution = new SqlExecution(build.settings(), datasources, build.services().json());
        build.route().process(execution::run).id(build.id());
    }
}
