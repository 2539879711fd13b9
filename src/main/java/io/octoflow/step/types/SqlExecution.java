package io.octoflow.step.types;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.datasource.Datasources;
import io.octoflow.execution.Cancellation;
import io.octoflow.execution.FlowRun;

/**
 * One run of a {@code sql} step: binds the parameters, executes on a connection of the datasource's pool in one
 * transaction (committed when the statement succeeds, rolled back otherwise) and puts the result in the body. While
 * the statement runs, a watcher waits on the run's cancellation: a run that times out or is aborted cancels the
 * statement ({@code Statement.cancel()}), so the database stops working for it too.
 */
final class SqlExecution {

    /** Watchers: one thread per statement running, idle threads end after a minute. */
    private static final ExecutorService WATCHERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "octoflow-sql-cancel");
        thread.setDaemon(true);
        return thread;
    });

    private final SqlStep.Settings settings;
    private final Datasources datasources;
    private final ObjectMapper json;

    SqlExecution(SqlStep.Settings settings, Datasources datasources, ObjectMapper json) {
        this.settings = settings;
        this.datasources = datasources;
        this.json = json;
    }

    void run(Exchange exchange) throws SQLException {
        FlowRun run = FlowRun.of(exchange);
        Object input = exchange.getMessage().getBody();
        exchange.getMessage().removeHeaders("*");
        List<?> items = settings.batch() ? items(input) : null;
        Map<String, Object> context = run.templateContext();
        try (Connection connection = datasources.connection(settings.datasource());
                PreparedStatement statement = connection.prepareStatement(settings.query().jdbc())) {
            if (settings.fetchSize() > 0) {
                statement.setFetchSize(settings.fetchSize());
            }
            if (settings.maxRows() > 0) {
                statement.setMaxRows(settings.maxRows());
            }
            Future<?> watcher = watch(run.cancellation(), statement);
            try {
                Object result = items != null ? batch(statement, items, context) : single(statement, context);
                connection.commit();
                exchange.getMessage().setBody(result);
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                watcher.cancel(true);
            }
        } catch (SQLException e) {
            throw new SqlStepException(describe(e, run.cancellation()), e);
        }
    }

    private List<?> items(Object input) {
        if (!(input instanceof List<?> list)) {
            throw new IllegalArgumentException("sql: batch: data_key must name a list, found "
                    + (input == null ? "null" : input.getClass().getSimpleName()));
        }
        return list;
    }

    private Object single(PreparedStatement statement, Map<String, Object> context) throws SQLException {
        bind(statement, context, null);
        if (statement.execute()) {
            try (ResultSet rows = statement.getResultSet()) {
                return SqlValues.rows(rows, json);
            }
        }
        return updated(statement.getLargeUpdateCount());
    }

    private Object batch(PreparedStatement statement, List<?> items, Map<String, Object> context)
            throws SQLException {
        if (items.isEmpty()) {
            return updated(0L); // nothing to send; some drivers refuse an empty batch
        }
        for (int i = 0; i < items.size(); i++) {
            bind(statement, context, new Item(i, items.get(i)));
            statement.addBatch();
        }
        long total = 0;
        for (int count : statement.executeBatch()) {
            if (count == Statement.SUCCESS_NO_INFO) {
                return updated(null); // the driver did not count (PostgreSQL's reWriteBatchedInserts)
            }
            total += count;
        }
        return updated(total);
    }

    private record Item(int index, Object value) {
    }

    private void bind(PreparedStatement statement, Map<String, Object> context, Item item) throws SQLException {
        Map<String, Object> values;
        if (settings.parameters() != null) {
            if (item != null) {
                context.put(SqlStep.ITEM, item.value());
            }
            values = new LinkedHashMap<>();
            for (Map.Entry<String, TemplatedValue> parameter : settings.parameters().entrySet()) {
                values.put(parameter.getKey(), parameter.getValue().evaluate(context));
            }
        } else if (item == null) {
            values = Map.of();
        } else if (item.value() instanceof Map<?, ?> map) {
            values = new LinkedHashMap<>();
            for (String name : settings.query().names()) {
                if (!map.containsKey(name)) {
                    throw new IllegalArgumentException("sql: batch item " + item.index() + " has no '" + name
                            + "' for :" + name + " (its keys: " + map.keySet() + ")");
                }
                values.put(name, map.get(name));
            }
        } else {
            throw new IllegalArgumentException("sql: batch item " + item.index() + " is not a mapping: without"
                    + " 'parameters', each item's keys give the values of the query's :names");
        }
        List<String> positions = settings.query().positions();
        for (int i = 0; i < positions.size(); i++) {
            SqlValues.bind(statement, i + 1, values.get(positions.get(i)), json);
        }
    }

    private static Map<String, Object> updated(Long count) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("updated", count == null ? null : count == (int) (long) count ? (Object) (int) (long) count : count);
        return result;
    }

    /** Cancels the statement when the run is cancelled before it ends. */
    private static Future<?> watch(Cancellation cancellation, Statement statement) {
        return WATCHERS.submit(() -> {
            try {
                if (!cancellation.sleep(Long.MAX_VALUE / 2)) {
                    statement.cancel();
                }
            } catch (InterruptedException e) {
                // the statement ended first
            } catch (SQLException e) {
                // the statement is closing or closed: nothing left to cancel
            }
        });
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The database's words with the SQL state; for a batch, the statement that failed (PostgreSQL puts the real
     * error in the next exception and the rejected values in the first one's message, which is not repeated).
     */
    private String describe(SQLException e, Cancellation cancellation) {
        SQLException cause = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            cause = e.getNextException();
        }
        String state = cause.getSQLState();
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().strip();
        return "sql (datasource '" + settings.datasource() + "')" + (cancellation.isCancelled()
                ? ", cancelled as the run " + (cancellation.reason() == io.octoflow.execution.RunStatus.TIMEOUT
                        ? "timed out" : "was aborted") : "")
                + ": " + (state != null ? "SQL state " + state + ": " : "") + message;
    }
}
