package io.octoflow.step.types;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.octoflow.flow.Key;
import io.octoflow.flow.Key.Kind;
import io.octoflow.flow.StepCompiler;
import io.octoflow.flow.YNode;
import io.octoflow.step.StepBuild;
import io.octoflow.step.StepType;
import io.octoflow.template.Template;

/**
 * Writes points to, or queries, an InfluxDB 1.x database over its HTTP API, through camel-influxdb (influxdb-java).
 * {@code write}: one point per item of the list under {@code data_key} (or one point), measurement, tags, fields and
 * time templated with the item as {@code item}, sent as one batch; the result is {written: n}. {@code query}: one
 * InfluxQL text (not templated, as sql's is not); the result is its rows as mappings (time, the columns, and the
 * tags of a GROUP BY series). The login comes from a secrets.yml entry, never from the flow or the URL.
 */
public final class InfluxStep implements StepType<InfluxStep.Settings> {

    static final String ITEM = "item";

    record Write(Template measurement, Map<String, Template> tags, Map<String, TemplatedValue> fields,
            Template time) {
    }

    record Settings(String url, String database, String secret, String retentionPolicy, boolean createDatabase,
            Write write, String query) {
    }

    @Override
    public String type() {
        return "influx";
    }

    @Override
    public String description() {
        return "Writes points to InfluxDB 1.x (measurement, tags, fields, time) or runs an InfluxQL query; rows as"
                + " a list of mappings.";
    }

    @Override
    public List<Key> keys() {
        return List.of(
                Key.optional("url", Kind.STRING, "INFLUX_URL", "The InfluxDB 1.x HTTP API, http(s)://host:port"
                        + " (no login in it: see 'secret')."),
                Key.required("database", Kind.STRING, "The database."),
                Key.optional("secret", Kind.STRING, "A secrets.yml credential (username, password) to log in with;"
                        + " default: none (an InfluxDB without auth-enabled)."),
                Key.optional("retention_policy", Kind.STRING, "Retention policy points are written to; default: the"
                        + " database's default."),
                Key.optional("create_database", Kind.BOOLEAN, false, "Create the database when the step first"
                        + " runs, if it does not exist."),
                Key.optional("data_key", Kind.STRING, "With write: the item, or a list of items (one point each)."),
                Key.optional("write", Kind.MAPPING, "The point written per item (templates, the item is 'item').")
                        .strict().with(
                        Key.required("measurement", Kind.STRING, "The measurement (templated)."),
                        Key.optional("tags", Kind.STRING_MAPPING, "Tag name -> value (templated; an empty value"
                                + " is left out)."),
                        Key.required("fields", Kind.STRING_MAPPING, "Field name -> value (templated: \"{{ x }}\""
                                + " keeps x's type). Numbers are written as floats, so a field keeps one type."),
                        Key.optional("time", Kind.STRING, "The point's time (templated): epoch milliseconds or"
                                + " ISO-8601 text; default: the server's clock.")),
                Key.optional("query", Kind.STRING, "InfluxQL (not templated), e.g. SELECT mean(amount) FROM"
                        + " amounts WHERE time > now() - 1h GROUP BY time(1m)."));
    }

    @Override
    public String example() {
        return """
                - name: store low amounts
                  type: influx
                  influx:
                    database: streamproc
                    secret: influx_login
                    data_key: low
                    write:
                      measurement: amounts
                      tags: {source: "{{ item.source }}"}
                      fields: {amount: "{{ item.amount }}"}
                      time: "{{ item.ts }}"
                - name: per minute
                  type: influx
                  result_key: per_minute
                  influx:
                    database: streamproc
                    secret: influx_login
                    query: SELECT mean(amount) AS amount FROM amounts WHERE time > now() - 1h GROUP BY time(1m) fill(none)
                """;
    }

    @Override
    public Settings compile(StepCompiler compiler, YNode block) {
        String url = null;
        YNode urlNode = block.get("url");
        if (urlNode != null) {
            url = urlNode.text().trim();
            String problem = urlProblem(url);
            if (problem != null) {
                compiler.problem(urlNode, "influx.url: " + problem);
            }
        }
        YNode writeNode = block.get("write");
        YNode queryNode = block.get("query");
        if ((writeNode == null) == (queryNode == null)) {
            compiler.problem(block.get("database"), "influx: expected exactly one of 'write' (points to store) or"
                    + " 'query' (InfluxQL to run)" + (writeNode != null ? ", found both" : ", found neither"));
        }
        if (queryNode != null && block.get("data_key") != null) {
            compiler.problem(block.keyNode("data_key"), "influx.data_key: only used with 'write' (the items whose"
                    + " points are written)");
        }
        Write write = null;
        if (writeNode != null && writeNode.get("measurement") != null && writeNode.get("fields") != null) {
            Map<String, Template> tags = new LinkedHashMap<>();
            if (writeNode.get("tags") != null) {
                writeNode.get("tags").entries().forEach((k, v) -> tags.put(k, compiler.template(text(v))));
            }
            Map<String, TemplatedValue> fields = new LinkedHashMap<>();
            writeNode.get("fields").entries().forEach((k, v) -> fields.put(k, TemplatedValue.compile(compiler, v)));
            if (fields.isEmpty()) {
                compiler.problem(writeNode.get("fields"), "influx.write.fields: a point needs at least one field");
            }
            write = new Write(compiler.template(writeNode.get("measurement")), tags, fields,
                    writeNode.get("time") == null ? null : compiler.template(text(writeNode.get("time"))));
        }
        String query = queryNode == null ? null : queryNode.text().trim();
        if (query != null && query.isEmpty()) {
            compiler.problem(queryNode, "influx.query: expected an InfluxQL statement, found nothing");
        }
        return new Settings(url, block.get("database").text(),
                block.get("secret") == null ? null : block.get("secret").text(),
                block.get("retention_policy") == null ? null : block.get("retention_policy").text(),
                block.get("create_database") != null && Boolean.TRUE.equals(block.get("create_database").scalar()),
                write, query);
    }

    private static YNode text(YNode node) {
        return node.isString() ? node : YNode.scalar(String.valueOf(node.scalar()), node.line(), node.column());
    }

    /** What is wrong with an InfluxDB URL, or null. A login in it would end up in errors: it goes in a secret. */
    static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                return "expected http(s)://host:port, found '" + url + "'";
            }
            if (uri.getRawUserInfo() != null) {
                return "a login in the URL is not allowed (it would show in errors): put it in secrets.yml and name"
                        + " it with 'secret'";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "expected http(s)://host:port, found '" + url + "'";
        }
    }

    @Override
    public void build(StepBuild<Settings> build) {
        InfluxCall call = new InfluxCall(build);
        build.route()
                .process(call::prepare).id(build.id("request"))
                .doTry()
                    .to(call.endpoint()).id(build.id())
                .doCatch(Exception.class)
                    .process(call::failed).id(build.id("failed"))
                .end()
                .process(call::result).id(build.id("result"));
    }
}
