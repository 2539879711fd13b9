package io.octoflow.history;

import java.sql.Connection;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeEach;

import io.octoflow.support.EmbeddedPostgres;

/**
 * The same contract on a real PostgreSQL: an embedded one the tests start ({@link EmbeddedPostgres}), or the server
 * {@code OCTOFLOW_TEST_PG_URL} names (a database the test may wipe). Each test starts from an empty {@code public}
 * schema.
 */
class JdbcExecutionRepositoryPostgresTest extends ExecutionRepositoryContract {

    @Override
    String url() {
        return EmbeddedPostgres.url();
    }

    @Override
    String user() {
        return EmbeddedPostgres.user();
    }

    @Override
    String password() {
        return EmbeddedPostgres.password();
    }

    @BeforeEach
    void emptySchema() throws Exception {
        try (Connection c = rawConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
    }
}
