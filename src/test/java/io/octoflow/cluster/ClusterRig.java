package io.octoflow.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.octoflow.support.OctoflowProcess;

/**
 * Real `octoflow run` replicas in cluster mode: child JVMs configured through the environment, as a user would, on
 * one fresh PostgreSQL database (of the embedded server, or of OCTOFLOW_TEST_PG_URL's), sharing one flows directory
 * and each with its own DATA_PATH. Used by {@link ClusterTest} and by bench/ClusterBench's twin in the tests.
 */
public final class ClusterRig implements AutoCloseable {

    public static final String TOKEN = "cluster-test-token-9d2e";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path root;
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String database;
    private final String url;
    private final List<Replica> replicas = new ArrayList<>();

    /** One child process. */
    public record Replica(String name, OctoflowProcess process, int port) {
    }

    /** @param adminUrl a JDBC URL of the server's maintenance database (postgres), where this rig creates its own */
    public ClusterRig(Path root, String adminUrl, String user, String password) throws SQLException, IOException {
        this.root = root;
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.database = "octoflow_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        int slash = adminUrl.lastIndexOf('/');
        int query = adminUrl.indexOf('?', slash);
        this.url = adminUrl.substring(0, slash + 1) + database + (query < 0 ? "" : adminUrl.substring(query));
        Files.createDirectories(flows());
    }

    public Path flows() {
        return root.resolve("flows");
    }

    public String url() {
        return url;
    }

    /** {@code count} flows {@code tick_NN.yml} on {@code every_seconds: 1}, each one quick step. */
    public void tickFlows(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String name = String.format("tick_%02d", i);
            Files.writeString(flows().resolve(name + ".yml"), "name: " + name + "\nevery_seconds: 1\nsteps:\n"
                    + "  - name: mark\n    type: set_fact\n    set_fact:\n      value: \"{{ __timestamp__ }}\"\n");
        }
    }

    /** {@code slow.yml}: no schedule, sleeps for {@code seconds} (to hold its lock). */
    public void slowFlow(int seconds) throws IOException {
        Files.writeString(flows().resolve("slow.yml"), "name: slow\ntimeout_seconds: " + (seconds + 60) + "\nsteps:\n"
                + "  - name: wait\n    type: sleep\n    sleep:\n      seconds: " + seconds + "\n");
    }

    /** {@code queued.yml}: concurrency: queue, no schedule, sleeps for {@code seconds} (a second launch waits). */
    public void queueFlow(int seconds) throws IOException {
        Files.writeString(flows().resolve("queued.yml"), "name: queued\nconcurrency: queue\ntimeout_seconds: "
                + (seconds + 60) + "\nsteps:\n  - name: wait\n    type: sleep\n    sleep:\n      seconds: " + seconds
                + "\n");
    }

    /** One text column of the first row a SQL query answers (on this rig's database), null when none. */
    public String text(String sql, Object... parameters) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Starts one more replica: `octoflow run` with CLUSTER=true on this rig's database. */
    public Replica start(String name) throws IOException {
        return start(name, Map.of());
    }

    /** As {@link #start(String)}, with more (or other) settings: {@code env} goes last. */
    public Replica start(String name, Map<String, String> settings) throws IOException {
        Path data = root.resolve(name);
        Files.createDirectories(data);
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("DATA_PATH", data.toString());
        env.put("FLOWS_PATH", flows().toString());
        env.put("TEMPLATES_PATH", root.resolve("templates").toString());
        env.put("DB_URL", url);
        env.put("DB_USER", user);
        env.put("DB_PASSWORD", password);
        env.put("CLUSTER", "true");
        env.put("API_PORT", Integer.toString(port));
        env.put("API_BIND", "127.0.0.1");
        env.put("API_TOKEN", TOKEN);
        env.put("LOG_LEVEL", "INFO");
        env.put("JMX_MBEANS_LEVEL", "ContextOnly");
        env.putAll(settings);
        OctoflowProcess process = OctoflowProcess.start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), data, data, env,
                "run");
        Replica replica = new Replica(name, process, port);
        replicas.add(replica);
        return replica;
    }

    /** Whether the replica answers /health/ready with 200. */
    public static boolean ready(Replica replica) {
        try {
            return get(replica, "/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public static HttpResponse<String> get(Replica replica, String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path)).GET());
    }

    public static HttpResponse<String> post(Replica replica, String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return HTTP.send(request.header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code kill -9}: the replica stops at once, its heartbeat, locks and acquired triggers left behind. */
    public static void kill(Replica replica) {
        replica.process().kill();
    }

    /** Scheduled runs per flow path and fire time (epoch millisecond), with how many rows each has. */
    public Map<String, Map<Long, Integer>> scheduledRuns() throws SQLException {
        Map<String, Map<Long, Integer>> runs = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement st = c.prepareStatement("SELECT flow_path, scheduled_at, count(*) FROM executions"
                        + " WHERE trigger_type = 'schedule' GROUP BY flow_path, scheduled_at");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                Timestamp at = rs.getTimestamp(2);
                runs.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(at.getTime(), rs.getInt(3));
            }
        }
        return runs;
    }

    /** Start lateness of scheduled runs (start - fire time, ms) in [from, to). */
    public List<Long> lateness(Instant from, Instant to) throws SQLException {
        List<Long> late = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement st = c.prepareStatement("SELECT scheduled_at, started_at FROM executions"
                        + " WHERE trigger_type = 'schedule' AND status <> 'skipped' AND scheduled_at >= ?"
                        + " AND scheduled_at < ?")) {
            st.setTimestamp(1, Timestamp.from(from));
            st.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    late.add(rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime());
                }
            }
        }
        return late;
    }

    /** How many rows a SQL count query answers (on this rig's database). */
    public long count(String sql, Object... parameters) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public String log(Replica replica) {
        return replica.process().output();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops every replica still running (SIGTERM, then SIGKILL after 40 s) and drops the database. */
    @Override
    public void close() throws Exception {
        for (Replica replica : replicas) {
            if (replica.process().alive()) {
                replica.process().terminate();
            }
        }
        for (Replica replica : replicas) {
            if (!replica.process().awaitEnd(Duration.ofSeconds(40))) {
                replica.process().kill();
            }
        }
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
