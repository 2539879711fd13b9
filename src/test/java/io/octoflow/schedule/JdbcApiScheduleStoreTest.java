package io.octoflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.database.Database;
import io.octoflow.support.EmbeddedPostgres;

/** Flyway V11's {@code api_schedules} and its store, on the embedded H2 and on a real PostgreSQL. */
class JdbcApiScheduleStoreTest {

    @TempDir
    Path dir;

    @Test
    void onH2() {
        try (Database database = Database.open("jdbc:h2:file:" + dir.resolve("db"), "", null)) {
            contract(new JdbcApiScheduleStore(database));
        }
    }

    @Test
    void onPostgres() throws Exception {
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password()); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        try (Database database = Database.open(EmbeddedPostgres.url(), EmbeddedPostgres.user(),
                EmbeddedPostgres.password())) {
            contract(new JdbcApiScheduleStore(database));
        }
    }

    private static void contract(ApiScheduleStore store) {
        assertThat(store.all()).isEmpty();
        var cron = new ApiScheduleStore.Stored("id-1", "reports/daily.yml", "0 3 * * *", null, 600L, true);
        var every = new ApiScheduleStore.Stored("id-2", "beat.yml", null, 30L, null, false);
        store.save(cron);
        store.save(every);
        assertThat(store.all()).containsExactlyInAnyOrder(cron, every);

        var replaced = new ApiScheduleStore.Stored("id-1", "reports/daily.yml", "0 3 * * *", null, null, false);
        store.save(replaced);
        assertThat(store.all()).containsExactlyInAnyOrder(replaced, every);

        assertThat(store.remove("id-1")).isTrue();
        assertThat(store.remove("id-1")).isFalse();
        assertThat(store.all()).containsExactly(every);

        assertThatThrownBy(() -> store.save(new ApiScheduleStore.Stored("id-3", "x".repeat(1025), null, 5L, null,
                false))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("path");
    }
}
