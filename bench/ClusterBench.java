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
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Cluster mode (issue 14 #4): N real `octoflow run` replicas (CLUSTER=true) on one PostgreSQL, F flows on
 * {@code every_seconds: 1} for S seconds, then {@code kill -9} of the first replica and S/2 more seconds. Prints the
 * fires per second, the start lateness (run start - fire time) p50/p99/max, the duplicates and gaps counted from the
 * shared history, and the takeover: how late the worst fire after the kill ran, and when the killed replica's lock
 * was taken over.
 * <pre>
 * bench/run.sh cluster ADMIN_JDBC_URL USER PASSWORD [replicas=2] [flows=50] [seconds=60]
 * </pre>
 * ADMIN_JDBC_URL is a PostgreSQL maintenance database ({@code jdbc:postgresql://127.0.0.1:5432/postgres}) where the
 * benchmark creates (and drops) a database of its own.
 */
public final class ClusterBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Replica(Process process, int port, Path dir) {
    }

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, ClusterBench::run);
    }

    static void run(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: ClusterBench ADMIN_JDBC_URL USER PASSWORD [replicas] [flows]"
                    + " [seconds]");
        }
        String admin = args[0];
        String user = args[1];
        String password = args[2];
        int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int flows = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 60;
        String database = "octoflow_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(admin, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + database);
        }
        String url = admin.substring(0, admin.lastIndexOf('/') + 1) + database;
        BenchFiles files = new BenchFiles();
        Path root = files.root;
        List<Replica> running = new ArrayList<>();
        try {
            Path flowDir = files.flows;
            for (int i = 0; i < flows; i++) {
                Files.writeString(flowDir.resolve(String.format("tick_%03d.yml", i)), "name: tick_" + i
                        + "\nevery_seconds: 1\nsteps:\n  - name: mark\n    type: set_fact\n    set_fact:\n"
                        + "      value: \"{{ __timestamp__ }}\"\n");
            }
            Files.writeString(flowDir.resolve("slow.yml"), "name: slow\ntimeout_seconds: 900\nsteps:\n"
                    + "  - name: wait\n    type: sleep\n    sleep:\n      seconds: 600\n");
            for (int i = 0; i < replicas; i++) {
                running.add(start(root, "r" + i, url, user, password));
            }
            for (Replica replica : running) {
                awaitReady(replica);
            }
            Instant from = Instant.now().plusSeconds(2);
            System.out.printf(Locale.ROOT, "%d replicas ready; %d flows every second for %d s%n", replicas, flows,
                    seconds);
            Thread.sleep(seconds * 1000L);
            Instant killedAt = Instant.now();
            Instant before = killedAt.minusSeconds(1);
            post(running.get(0), "{\"path\": \"slow.yml\"}");
            Thread.sleep(1000);
            killedAt = Instant.now();
            running.get(0).process().destroyForcibly().waitFor();
            Replica survivor = running.get(1);
            long lockTakenMs = -1;
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline) {
                if (post(survivor, "{\"path\": \"slow.yml\"}") == 202) {
                    lockTakenMs = Duration.between(killedAt, Instant.now()).toMillis();
                    break;
                }
                Thread.sleep(200);
            }
            Thread.sleep(Math.max(30, seconds / 2) * 1000L - Math.max(0, lockTakenMs));
            Instant to = Instant.now().minusSeconds(3);

            Map<String, Map<Long, Integer>> runs = new HashMap<>();
            List<Double> lateness = new ArrayList<>();
            long worstAfterKill = 0;
            try (Connection c = DriverManager.getConnection(url, user, password);
                    PreparedStatement st = c.prepareStatement("SELECT flow_path, scheduled_at, started_at, status"
                            + " FROM executions WHERE trigger_type = 'schedule'");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(2);
                    long late = rs.getTimestamp(3).getTime() - at.getTime();
                    runs.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).merge(at.getTime(), 1, Integer::sum);
                    if (at.toInstant().isAfter(from) && at.toInstant().isBefore(before)) {
                        lateness.add((double) late);
                    }
                    if (!at.toInstant().isBefore(killedAt) && at.toInstant().isBefore(to)) {
                        worstAfterKill = Math.max(worstAfterKill, late);
                    }
                }
            }
            int duplicates = 0;
            int gapsBefore = 0;
            int gapsAfter = 0;
            long fires = 0;
            Set<String> paths = new HashSet<>(runs.keySet());
            for (String path : paths) {
                Map<Long, Integer> fired = runs.get(path);
                for (int n : fired.values()) {
                    duplicates += n > 1 ? n - 1 : 0;
                }
                for (long s = from.getEpochSecond() + 1; s <= before.getEpochSecond(); s++) {
                    fires += fired.containsKey(s * 1000) ? 1 : 0;
                    gapsBefore += fired.containsKey(s * 1000) ? 0 : 1;
                }
                for (long s = killedAt.getEpochSecond() + 1; s <= to.getEpochSecond(); s++) {
                    gapsAfter += fired.containsKey(s * 1000) ? 0 : 1;
                }
            }
            double window = before.getEpochSecond() - from.getEpochSecond();
            Stats late = new Stats(lateness.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf(Locale.ROOT, "fires: %.1f/s over %.0f s (%d flows x %d replicas); duplicates %d, gaps"
                    + " %d%n", fires / window, window, paths.size(), replicas, duplicates, gapsBefore);
            System.out.printf(Locale.ROOT, "lateness (start - fire time): p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                    + " (%d runs)%n", late.median(), late.percentile(99), late.percentile(100), late.count());
            System.out.printf(Locale.ROOT, "after kill -9 of one replica: worst fire ran %.1f s late (triggers taken"
                    + " over), its lock taken over after %.1f s; gaps after the kill %d, duplicates %d%n",
                    worstAfterKill / 1000.0, lockTakenMs / 1000.0, gapsAfter, duplicates);
        } finally {
            for (Replica replica : running) {
                replica.process().destroy();
            }
            for (Replica replica : running) {
                if (!replica.process().waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
                    replica.process().destroyForcibly();
                }
            }
            try (Connection c = DriverManager.getConnection(admin, user, password);
                    Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
            files.close(); // with the replicas' directories
        }
    }

    private static Replica start(Path root, String name, String url, String user, String password)
            throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m"));
        // BENCH_REPLICA_OPTS: JVM options of the replicas (e.g. -XX:TieredStopAtLevel=1, as ClusterTest uses)
        String options = System.getenv("BENCH_REPLICA_OPTS");
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", absoluteClassPath(), "io.octoflow.Octoflow", "run"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        Map<String, String> env = builder.environment();
        env.put("DATA_PATH", dir.toString());
        env.put("FLOWS_PATH", root.resolve("flows").toString());
        env.put("DB_URL", url);
        env.put("DB_USER", user);
        env.put("DB_PASSWORD", password);
        env.put("CLUSTER", "true");
        env.put("API_PORT", Integer.toString(port));
        env.put("API_BIND", "127.0.0.1");
        env.put("API_TOKEN", BenchFiles.TOKEN);
        env.put("LOG_LEVEL", "WARN");
        env.put("JMX_MBEANS_LEVEL", "ContextOnly");
        return new Replica(builder.start(), port, dir);
    }

    /** This JVM's class path with absolute entries: the replicas run in directories of their own. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(entry.endsWith("*") ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + "/*"
                    : Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void awaitReady(Replica replica) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + replica.port() + "/health/ready")).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("replica on port " + replica.port() + " not ready:\n"
                + Files.readString(replica.dir().resolve("log.txt")));
    }

    private static int post(Replica replica, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port()
                + "/api/flows/launch")).header("Authorization", "Bearer " + BenchFiles.TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
