package io.octoflow.datasource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.octoflow.config.DatasourceSettings;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.database.Database;
import io.octoflow.database.DatabaseException;
import io.octoflow.database.DatabaseUrls;
import io.octoflow.secret.Masker;
import io.octoflow.secret.Secret;
import io.octoflow.secret.SecretException;
import io.octoflow.secret.SecretStore;

/**
 * The databases {@code sql} steps reach, by name: {@code default} (the history database: DB_URL, DB_USER,
 * DB_PASSWORD) and every name of {@code DATASOURCES}, whose user and password come from a secrets.yml entry. Each
 * is a HikariCP pool made when a step first uses it (a database nobody uses is never connected to) and closed by
 * {@link #close()}, with the engine. A pool whose secret changed (a rotated password) is replaced at its next use.
 */
public final class Datasources implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Datasources.class);

    /** The login a pool was made with: a changed secret makes a new pool. */
    private record Login(String user, String password) {
    }

    private record Pool(HikariDataSource dataSource, Login login) {
    }

    private final Map<String, DatasourceSettings> settings = new LinkedHashMap<>();
    private final Login defaultLogin;
    private final SecretStore secrets;
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private boolean closed;
    private boolean historySchemaChecked;

    public Datasources(OctoflowConfig config, SecretStore secrets) {
        this.secrets = secrets;
        // the history database, as Database.open reaches it (same URL, so an embedded H2 file is opened once)
        settings.put(OctoflowConfig.DEFAULT_DATASOURCE, new DatasourceSettings(OctoflowConfig.DEFAULT_DATASOURCE,
                DatabaseUrls.withEmbeddedH2Defaults(config.dbUrl()), null, 4));
        settings.putAll(config.datasources());
        this.defaultLogin = new Login(config.dbUser(), config.dbPassword());
        secrets.masker().register(config.dbPassword());
        config.datasources().values().forEach(d -> secrets.masker().register(urlPassword(d.url())));
    }

    /**
     * The datasources of {@code config}, only to check the names flows give ({@code octoflow validate}): nothing is
     * read or connected to until a step would run, and none does.
     */
    public static Datasources toValidate(OctoflowConfig config) {
        return new Datasources(config, new SecretStore(config.secretsPath(), config.vaultToken(), new Masker()));
    }

    /** Whether flows may name this datasource. */
    public boolean knows(String name) {
        return settings.containsKey(name);
    }

    /** Every name, {@code default} first. */
    public List<String> names() {
        return List.copyOf(settings.keySet());
    }

    /**
     * A connection of the named datasource's pool (auto-commit off: the caller commits); the caller closes it.
     *
     * @throws DatasourceException when the datasource is unknown, its secret is missing or it cannot be reached;
     *                             the message names the datasource and never carries a password
     */
    public Connection connection(String name) throws SQLException {
        HikariDataSource pool = pool(name);
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw new DatasourceException("datasource '" + name + "': cannot connect: " + describe(e), e);
        }
    }

    private synchronized HikariDataSource pool(String name) {
        if (closed) {
            throw new DatasourceException("datasource '" + name + "': closed (Octoflow is stopping)", null);
        }
        DatasourceSettings datasource = settings.get(name);
        if (datasource == null) {
            throw new DatasourceException("unknown datasource '" + name + "' (configured: "
                    + String.join(", ", settings.keySet()) + "; see DATASOURCES)", null);
        }
        Login login = login(datasource);
        Pool pool = pools.get(name);
        if (pool != null && pool.login().equals(login)) {
            return pool.dataSource();
        }
        if (pool != null) {
            LOG.info("datasource '{}': its secret changed, new connections log in with it", name);
            pool.dataSource().close();
            pools.remove(name);
        }
        if (datasource.name().equals(OctoflowConfig.DEFAULT_DATASOURCE) && !historySchemaChecked) {
            // the history's own tables first, as the service makes them: a flow launched before the service ever
            // ran must not leave a schema that Flyway then refuses as "non-empty without history"
            try {
                Database.open(datasource.url(), login.user(), login.password()).close();
            } catch (DatabaseException e) {
                throw new DatasourceException("datasource 'default' (DB_URL): " + e.getMessage(), e);
            }
            historySchemaChecked = true;
        }
        HikariDataSource created = open(datasource, login);
        pools.put(name, new Pool(created, login));
        return created;
    }

    private Login login(DatasourceSettings datasource) {
        if (datasource.name().equals(OctoflowConfig.DEFAULT_DATASOURCE)) {
            return defaultLogin;
        }
        if (datasource.secret() == null) {
            return new Login(null, null);
        }
        try {
            Secret secret = secrets.get(datasource.secret());
            return new Login(secret.field("username"), secret.fields().get("password"));
        } catch (SecretException e) {
            throw new DatasourceException("datasource '" + datasource.name() + "' (" + DatasourceSettings.variable(
                    datasource.name(), "SECRET") + "): " + e.getMessage(), e);
        }
    }

    private static HikariDataSource open(DatasourceSettings datasource, Login login) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("octoflow-datasource-" + datasource.name());
        config.setJdbcUrl(datasource.url());
        if (login.user() != null && !login.user().isEmpty()) {
            config.setUsername(login.user());
        }
        if (login.password() != null) {
            config.setPassword(login.password());
        }
        config.setMaximumPoolSize(datasource.maxPoolSize());
        config.setMinimumIdle(0); // a flow's database holds no idle connection of ours between runs
        config.setIdleTimeout(60_000);
        config.setAutoCommit(false); // each step commits its own transaction
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(-1); // connect on first use: the step reports what went wrong
        try {
            HikariDataSource pool = new HikariDataSource(config);
            LOG.info("datasource '{}': {}", datasource.name(), DatabaseUrls.redact(datasource.url()));
            return pool;
        } catch (RuntimeException e) {
            throw new DatasourceException("datasource '" + datasource.name() + "': cannot open "
                    + DatabaseUrls.redact(datasource.url()) + ": " + e.getMessage(), e);
        }
    }

    /** The driver's message with its SQL state, for a connection that failed. */
    static String describe(SQLException e) {
        Throwable cause = e;
        while (cause.getCause() instanceof SQLException deeper && deeper != cause) {
            cause = deeper;
        }
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        return (state != null ? "SQL state " + state + ": " : "") + Objects.toString(cause.getMessage(), "");
    }

    /** A password written in the URL itself ({@code ?password=...}), to be masked like the others. */
    private static String urlPassword(String url) {
        var m = java.util.regex.Pattern.compile("(?i)(?:password|pwd)=([^&;]*)").matcher(url);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<Pool> open = new ArrayList<>(pools.values());
        pools.clear();
        open.forEach(p -> p.dataSource().close());
    }
}
