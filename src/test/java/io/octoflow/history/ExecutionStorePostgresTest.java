package io.octoflow.history;

import java.sql.Connection;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same contract on PostgreSQL, when one is at hand: set {@code OCTOFLOW_TEST_PG_URL} (a database the test may
 * wipe, e.g. {@code jdbc:postgresql://localhost:5432/octoflow_test}) and, if needed, {@code OCTOFLOW_TEST_PG_USER}
 * and {@code OCTOFLOW_TEST_PG_PASSWORD}. Each test starts from an empty {@code public} schema.
 */
@EnabledIfEnvironmentVariable(named = "OCTOFLOW_TEST_PG_URL", matches = "jdbc:postgresql:.+")
class ExecutionStorePostgresTest extends ExecutionStoreContract {

    @Override
    String url() {
        return System.getenv("OCTOFLOW_TEST_PG_URL");
    }

    @Override
    String user() {
        String user = System.getenv("OCTOFLOW_TEST_PG_USER");
        return user != null ? user : "";
    }

    @Override
    String password() {
        String password = System.getenv("OCTOFLOW_TEST_PG_PASSWORD");
        return password != null ? password : "";
    }

    @BeforeEach
    void emptySchema() throws Exception {
        try (Connection c = rawConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
    }
}
