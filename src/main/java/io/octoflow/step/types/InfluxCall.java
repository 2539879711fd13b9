package io.octoflow.step.types;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.influxdb.InfluxDbComponent;
import org.apache.camel.component.influxdb.InfluxDbConstants;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

import io.octoflow.execution.FlowRun;
import io.octoflow.execution.StepConstructionException;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;
import io.octoflow.step.StepBuild;
import io.octoflow.template.Template;

/**
 * The camel-influxdb side of one {@code influx} step. Each step has its own InfluxDB connection, bound in the
 * registry under a name of its own and used by an endpoint of Octoflow's own influxdb component: Camel's
 * component autowires the one InfluxDB bean of the registry into every endpoint, which would send a second step's
 * points with the first one's login. The connection is made on first use, with the secret's login as it is then
 * (a proxy stands in for it until then), so a flow loads without reaching the secret store or the server.
 */
final class InfluxCall {

    /** Octoflow's influxdb component: the same endpoints, without autowiring. */
    static final String COMPONENT = "octoflow-influxdb";

    private static final AtomicLong BUILDS = new AtomicLong();

    private final InfluxStep.Settings settings;
    private final SecretStore secrets;
    private final String url;
    private final String endpointUri;
    private volatile InfluxDB connection;
    private volatile boolean databaseCreated;

    InfluxCall(StepBuild<InfluxStep.Settings> build) {
        this.settings = build.settings();
        this.secrets = build.services().secrets();
        this.url = settings.url() != null ? settings.url() : build.services().config().streams().influxUrl();
        String problem = InfluxStep.urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException("INFLUX_URL: " + problem);
        }
        CamelContext camel = build.services().camelContext();
        synchronized (InfluxCall.class) {
            if (camel.hasComponent(COMPONENT) == null) {
                InfluxDbComponent component = new InfluxDbComponent();
                component.setAutowiredEnabled(false);
                camel.addComponent(COMPONENT, component);
            }
        }
        // a name per build: Camel caches endpoints by URI, and a reloaded flow whose step changed its url or secret
        // must not get the previous version's endpoint (and connection)
        String bean = "octoflow-influx-" + Integer.toHexString(build.id().hashCode()) + "-"
                + BUILDS.incrementAndGet();
        camel.getRegistry().bind(bean, InfluxDB.class, lazyConnection());
        this.endpointUri = COMPONENT + ":" + bean + "?databaseName=RAW(" + settings.database() + ")"
                + (settings.write() != null ? "&operation=insert&batch=true" : "&operation=query")
                + (settings.retentionPolicy() != null ? "&retentionPolicy=RAW(" + settings.retentionPolicy() + ")"
                        : "");
    }

    String endpoint() {
        return endpointUri;
    }

    private InfluxDB lazyConnection() {
        return (InfluxDB) Proxy.newProxyInstance(InfluxDB.class.getClassLoader(), new Class<?>[] {InfluxDB.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString") && method.getParameterCount() == 0) {
                        return "InfluxDB[" + url + "]";
                    }
                    try {
                        return method.invoke(connection(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private synchronized InfluxDB connection() {
        if (connection == null) {
            if (settings.secret() == null) {
                connection = InfluxDBFactory.connect(url);
            } else {
                Secret secret;
                try {
                    secret = secrets.get(settings.secret());
                } catch (SecretException e) {
                    throw new StepConstructionException(e.getMessage(), e);
                }
                connection = InfluxDBFactory.connect(url, secret.field("username"), secret.field("password"));
            }
        }
        return connection;
    }

    /** Puts the points to write (or the query) in the message. */
    void prepare(Exchange exchange) {
        FlowRun run = FlowRun.of(exchange);
        Object input = exchange.getMessage().getBody();
        exchange.getMessage().removeHeaders("*");
        if (settings.createDatabase() && !databaseCreated) {
            createDatabase();
        }
        if (settings.write() == null) {
            exchange.getMessage().setHeader(InfluxDbConstants.INFLUXDB_QUERY, settings.query());
            exchange.getMessage().setBody(null);
            return;
        }
        List<?> items = input instanceof List<?> list ? list : Collections.singletonList(input);
        Map<String, Object> context = run.templateContext();
        BatchPoints.Builder batch = BatchPoints.database(settings.database()).precision(TimeUnit.NANOSECONDS);
        if (settings.retentionPolicy() != null) {
            batch.retentionPolicy(settings.retentionPolicy());
        }
        for (int i = 0; i < items.size(); i++) {
            context.put(InfluxStep.ITEM, items.get(i));
            batch.point(point(settings.write(), context, i));
        }
        exchange.getMessage().setBody(batch.build());
        exchange.setProperty(WRITTEN, items.size());
    }

    private static final String WRITTEN = "octoflow.influxWritten";

    private synchronized void createDatabase() {
        if (!databaseCreated) {
            // CREATE DATABASE does nothing when the database exists; it needs a POST, which camel-influxdb's
            // query operation does not send
            QueryResult result;
            try {
                result = connection().query(new Query("CREATE DATABASE \""
                        + settings.database().replace("\"", "\\\"") + "\"", null, true));
            } catch (org.influxdb.InfluxDBException e) {
                throw new InfluxStepException(describe("create_database: " + text(e)), e);
            }
            if (result.hasError()) {
                throw new InfluxStepException(describe("create_database: " + result.getError()), null);
            }
            databaseCreated = true;
        }
    }

    private static Point point(InfluxStep.Write write, Map<String, Object> context, int index) {
        String measurement = write.measurement().render(context).trim();
        if (measurement.isEmpty()) {
            throw new IllegalArgumentException("influx.write.measurement: item " + index + " gives no measurement");
        }
        Point.Builder point = Point.measurement(measurement);
        write.tags().forEach((name, template) -> {
            String value = template.render(context);
            if (value != null && !value.isEmpty()) {
                point.tag(name, value);
            }
        });
        write.fields().forEach((name, templated) -> {
            Object value = templated.evaluate(context);
            if (value instanceof Number number) {
                point.addField(name, number.doubleValue());
            } else if (value instanceof Boolean bool) {
                point.addField(name, bool);
            } else if (value != null) {
                point.addField(name, String.valueOf(value));
            }
        });
        if (!point.hasFields()) {
            throw new IllegalArgumentException("influx.write.fields: item " + index + " gives no field value (all"
                    + " of them are null)");
        }
        if (write.time() != null) {
            point.time(nanos(write.time().evaluate(context), index), TimeUnit.NANOSECONDS);
        }
        return point.build();
    }

    private static long nanos(Object time, int index) {
        if (time instanceof Number number) {
            return Math.multiplyExact(number.longValue(), 1_000_000L);
        }
        String text = time == null ? "" : String.valueOf(time).trim();
        try {
            if (wholeNumber(text)) {
                return Math.multiplyExact(Long.parseLong(text), 1_000_000L);
            }
            Instant instant = Instant.parse(text);
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("influx.write.time: item " + index + " gives '" + text + "', expected"
                    + " epoch milliseconds or ISO-8601 text (2026-12-01T10:00:00Z)");
        }
    }

    /** -?digits, without a regular expression: the time of every point of a batch goes through here. */
    private static boolean wholeNumber(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The body: {written: n}, or the query's rows. */
    void result(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        exchange.getMessage().removeHeaders("*");
        if (settings.write() != null) {
            Map<String, Object> written = new LinkedHashMap<>();
            written.put("written", exchange.getProperty(WRITTEN, Integer.class));
            exchange.removeProperty(WRITTEN);
            exchange.getMessage().setBody(written);
            return;
        }
        QueryResult result = (QueryResult) body;
        if (result.hasError()) {
            throw new InfluxStepException(describe(result.getError()), null);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (QueryResult.Result statement : result.getResults()) {
            if (statement.hasError()) {
                throw new InfluxStepException(describe(statement.getError()), null);
            }
            if (statement.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : statement.getSeries()) {
                for (List<Object> values : series.getValues()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < series.getColumns().size() && i < values.size(); i++) {
                        row.put(series.getColumns().get(i), values.get(i));
                    }
                    if (series.getTags() != null) {
                        series.getTags().forEach(row::putIfAbsent);
                    }
                    rows.add(row);
                }
            }
        }
        exchange.getMessage().setBody(rows);
    }

    /** The server's words, with the URL and database (never the login: it is not in the URL). */
    void failed(Exchange exchange) {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        throw new InfluxStepException(describe(text(error)), error);
    }

    /** The innermost useful words: the server's answer, or the I/O error with its kind. */
    private static String text(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof java.io.IOException)
                && !(cause instanceof org.influxdb.InfluxDBException && cause.getCause() == null)) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof java.io.IOException) {
            text = cause.getClass().getSimpleName() + ": " + text;
        }
        return text.strip();
    }

    private String describe(String text) {
        return "influx (" + url + ", database '" + settings.database() + "'): " + text;
    }
}
