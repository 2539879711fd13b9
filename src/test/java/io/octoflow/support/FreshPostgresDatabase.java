package io.octoflow.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.octoflow.database.Database;

/**
 * A database of its own on the embedded PostgreSQL server ({@link EmbeddedPostgres}), for one test: created empty,
 * migrated by Flyway when {@link #open()} reaches it as a replica does, dropped by {@link #close()}.
 */
public final class FreshPostgresDatabase implements AutoCloseable {

    private final String name;

    private FreshPostgresDatabase(String name) {
        this.name = name;
    }

    /** A new database whose name starts with {@code prefix} (lower case letters and _). */
    public static FreshPostgresDatabase create(String prefix) throws SQLException {
        FreshPostgresDatabase fresh = new FreshPostgresDatabase(prefix + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        fresh.admin("CREATE DATABASE " + fresh.name);
        return fresh;
    }

    public String url() {
        String server = EmbeddedPostgres.url();
        return server.substring(0, server.lastIndexOf('/') + 1) + name;
    }

    /** Octoflow's {@link Database} on it (Flyway migrates it at the first open); the caller closes it. */
    public Database open() {
        return Database.open(url(), EmbeddedPostgres.user(), EmbeddedPostgres.password());
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
