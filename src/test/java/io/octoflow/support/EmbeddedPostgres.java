package io.octoflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real PostgreSQL for the tests, started once per test JVM from zonky's embedded binaries (no Docker, nothing to
 * install) and stopped when the JVM exits. {@code OCTOFLOW_TEST_PG_URL} (with {@code OCTOFLOW_TEST_PG_USER},
 * {@code OCTOFLOW_TEST_PG_PASSWORD}) points the tests at another server instead.
 */
public final class EmbeddedPostgres {

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres() {
    }

    public static synchronized String url() {
        return external() ? System.getenv("OCTOFLOW_TEST_PG_URL")
                : "jdbc:postgresql://localhost:" + started().getPort() + "/postgres";
    }

    public static String user() {
        return external() ? env("OCTOFLOW_TEST_PG_USER") : "postgres";
    }

    public static String password() {
        return external() ? env("OCTOFLOW_TEST_PG_PASSWORD") : "";
    }

    private static boolean external() {
        return !env("OCTOFLOW_TEST_PG_URL").isBlank();
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }

    private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres started() {
        if (server == null) {
            try {
                server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                // a test whose real part is missing fails, it does not skip
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    // the JVM is going away; the data directory is a temporary one
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }
}
