import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.octoflow.app.OctoflowService;
import io.octoflow.config.OctoflowConfig;

/**
 * Issue 15 #5: the StreamProc pipeline (event API → Kafka → amounts > 5 into PostgreSQL, <= 5 into InfluxDB) on
 * Octoflow, its example's own flows (examples/streamproc/event_api.yml, consumer_high.yml, consumer_low.yml, with
 * {@code batch}), beside a hand-written Camel route doing the same work in the same JVM: the JDK HTTP server →
 * camel-kafka producer (one record per event, keyed by source, acks=all, waited for); camel-kafka batch consumers →
 * one JDBC batch INSERT ... ON CONFLICT DO NOTHING / one InfluxDB batch of points, offsets committed after the write.
 * Same topic shape (one partition), same rows and points, same PostgreSQL URL, same clients.
 * <p>
 * The parts are real and out of this JVM: Kafka (KRaft, Apache Kafka's jars), Debian's influxd and PostgreSQL,
 * started by {@code bench/run.sh stream} with examples/streamproc/local-parts.sh on free ports in a temp dir
 * (BENCH_KAFKA, BENCH_INFLUX, BENCH_PG_URL/USER/PASSWORD), stopped at the end.
 * <p>
 * Per side and round: <b>throughput</b>: {@code events} events POSTed as JSON arrays of {@code per-post} by
 * {@code clients} clients as fast as they are answered; events/s = events / (first POST → the last row in both
 * stores, polled every 100 ms). <b>Latency</b>: a paced load ({@code rate} events/s in POSTs of 10 events, one
 * client) for {@code latency-seconds}; each PostgreSQL row has its insert time ({@code clock_timestamp()} default
 * column) and the POST's send time (in the event's source, "L&lt;epoch µs&gt;"): POST → row stored, p50/p99.
 * Then webhook runs/s (Octoflow only): POST /hooks/... of a one-step flow, respond accepted and result, 1 and 8
 * clients, and the event API with one event per POST.
 * Usage: bench/run.sh stream [events 100000] [clients 4] [per-post 100] [rounds 2] [rate 1000] [latency-seconds 10]
 */
public final class StreamBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OCTO_TOPIC = "streamproc-events";
    static final String HAND_TOPIC = "hand-events";

    static String kafka;
    static String influxUrl;
    static String pgUrl;
    static String pgUser;
    static String pgPassword;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "bench-http");
                t.setDaemon(true);
                return t;
            })).build();

    public static void main(String[] args) {
        BenchFiles.runAndExit(args, StreamBench::run);
    }

    /** One side of the comparison: where its events go and where its rows land. */
    record Side(String name, String postUrl, String table, String measurement) {
    }

    private static void run(String[] args) throws Exception {
        int events = arg(args, 0, 100_000);
        int clients = arg(args, 1, 4);
        int perPost = arg(args, 2, 100);
        int rounds = arg(args, 3, 2);
        int rate = arg(args, 4, 1000);
        int latencySeconds = arg(args, 5, 10);
        kafka = env("BENCH_KAFKA");
        influxUrl = env("BENCH_INFLUX");
        pgUrl = env("BENCH_PG_URL");
        pgUser = env("BENCH_PG_USER");
        pgPassword = env("BENCH_PG_PASSWORD");
        System.out.printf("java %s, %d cores; %d events per round in POSTs of %d by %d clients, %d rounds; latency"
                        + " at %d events/s for %d s; load average at start: %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), events, perPost, clients, rounds, rate, latencySeconds,
                loadAverage());

        prepareStores();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(OCTO_TOPIC, 1, (short) 1), new NewTopic(HAND_TOPIC, 1,
                    (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        try (BenchFiles files = new BenchFiles()) {
            Path examples = Path.of("examples/streamproc");
            for (String name : List.of("event_api.yml", "consumer_high.yml", "consumer_low.yml")) {
                files.write(files.flows, name, Files.readString(examples.resolve(name)));
            }
            for (String respond : List.of("accepted", "result")) {
                files.write(files.flows, "hook_" + respond + ".yml", """
                        name: hook %s
                        concurrency: allow
                        trigger:
                          webhook:
                            path: bench-%s
                            respond: %s
                        steps:
                          - name: doubled
                            type: jq
                            jq:
                              expression: '{amount: (.amount * 2)}'
                              data_key: __input__
                        """.formatted(respond, respond, respond));
            }
            Map<String, String> settings = files.serviceSettings();
            settings.put("KAFKA_BROKERS", kafka);
            settings.put("INFLUX_URL", influxUrl);
            settings.put("DATASOURCES", "streamproc");
            settings.put("DATASOURCE_STREAMPROC_URL", pgUrl + (pgUrl.contains("?") ? "&" : "?") + "user="
                    + pgUser + "&password=" + pgPassword);
            OctoflowService service = new OctoflowService(OctoflowConfig.from(settings));
            service.start();
            HandWritten hand = new HandWritten();
            hand.start();
            try {
                String api = "http://127.0.0.1:" + settings.get("API_PORT");
                Side octo = new Side("Octoflow (example flows, batch)", api + "/hooks/events", "high_events", "low");
                Side handSide = new Side("hand-written Camel route", hand.url(), "hand_events", "hand_low");
                // -Dbench.sides=octoflow (or hand) measures one side alone, for a profile of it
                String only = System.getProperty("bench.sides", "both");
                List<Side> sides = only.equals("octoflow") ? List.of(octo) : only.equals("hand") ? List.of(handSide)
                        : List.of(octo, handSide);
                System.out.println("\nwarm-up: " + events / 5 + " events per side");
                for (Side side : sides) {
                    throughput(side, events / 5, clients, perPost);
                }
                Map<String, List<double[]>> results = new LinkedHashMap<>();
                for (int round = 1; round <= rounds; round++) {
                    for (Side side : sides) {
                        double[] t = throughput(side, events, clients, perPost);
                        double[] l = latency(side, rate, latencySeconds);
                        results.computeIfAbsent(side.name(), k -> new ArrayList<>()).add(new double[] {t[0], t[1],
                                t[2], l[0], l[1], l[2]});
                        System.out.printf(Locale.ROOT, "round %d, %s: %.0f events/s end to end (POSTs answered at"
                                        + " %.0f events/s; bench JVM CPU %.1f µs per event); latency POST → row at %d"
                                        + " events/s: p50 %.1f ms, p99 %.1f ms (n=%.0f); load %s%n", round,
                                side.name(), t[0], t[1], t[2], rate, l[0], l[1], l[2], loadAverage());
                    }
                }
                System.out.println();
                System.out.println("| pipeline | events/s end to end (median of rounds) | POSTs answered, events/s |"
                        + " latency p50 | latency p99 | bench JVM CPU per event |");
                System.out.println("|---|---|---|---|---|---|");
                for (Map.Entry<String, List<double[]>> side : results.entrySet()) {
                    System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.1f ms | %.1f ms | %.1f µs |%n",
                            side.getKey(), median(side.getValue(), 0), median(side.getValue(), 1),
                            median(side.getValue(), 3), median(side.getValue(), 4), median(side.getValue(), 2));
                }
                List<double[]> o = results.get(octo.name());
                List<double[]> h = results.get(handSide.name());
                if (o != null && h != null) System.out.printf(Locale.ROOT, "ratio hand-written / Octoflow: events/s %.2f×, latency p50 %.2f×,"
                                + " p99 %.2f×%n", median(h, 0) / median(o, 0), median(o, 3) / median(h, 3),
                        median(o, 4) / median(h, 4));

                if (Boolean.getBoolean("bench.noWebhooks")) {
                    return;
                }
                System.out.println("\nwebhook runs/s (Octoflow; every POST one recorded run):");
                System.out.println("| hook | clients | runs/s | median | p99 |");
                System.out.println("|---|---|---|---|---|");
                for (String respond : List.of("accepted", "result")) {
                    for (int c : new int[] {1, 8}) {
                        webhook(api + "/hooks/bench-" + respond, "{\"amount\": 2.5}", "respond: " + respond, c, 5);
                    }
                }
                for (int c : new int[] {1, 8}) {
                    webhook(api + "/hooks/events", "{\"amount\": 2.5, \"source\": \"W1\"}",
                            "event API, one event (kafka step)", c, 5);
                }
                for (int c : new int[] {1, 8}) {
                    webhook(hand.url(), "{\"amount\": 2.5, \"source\": \"W1\"}",
                            "hand-written route, one event (not a recorded run)", c, 5);
                }
                System.out.println("\nload average at the end: " + loadAverage());
            } finally {
                hand.stop();
                service.close();
            }
        }
    }

    private static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run this through bench/run.sh stream");
        }
        return value;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll(" \\S+ \\S+$", "");
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    private static double median(List<double[]> rows, int column) {
        return Stats.median(rows.stream().mapToDouble(r -> r[column]).toArray());
    }

    // ---------------------------------------------------------------- the stores

    static Connection postgres() throws Exception {
        return DriverManager.getConnection(pgUrl, pgUser, pgPassword);
    }

    /** Both tables, with the insert time of each row (the latency's end), and both InfluxDB measurements empty. */
    private static void prepareStores() throws Exception {
        try (Connection c = postgres(); Statement s = c.createStatement()) {
            for (String table : List.of("high_events", "hand_events")) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute("CREATE TABLE " + table + " (part INT NOT NULL, off BIGINT NOT NULL, amount DOUBLE"
                        + " PRECISION NOT NULL, source TEXT, at TIMESTAMPTZ NOT NULL, stored TIMESTAMPTZ NOT NULL"
                        + " DEFAULT clock_timestamp(), PRIMARY KEY (part, off))");
            }
        }
        influx("q=" + enc("DROP DATABASE streamproc"));
        influx("q=" + enc("CREATE DATABASE streamproc"));
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static JsonNode influx(String form) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(influxUrl + "/query?db=streamproc"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("influx: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static long pgCount(String table) throws Exception {
        try (Connection c = postgres(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static long influxCount(String measurement) throws Exception {
        JsonNode values = influx("q=" + enc("SELECT count(amount) FROM " + measurement)).path("results").path(0)
                .path("series").path(0).path("values").path(0);
        return values.isMissingNode() ? 0 : values.path(1).asLong();
    }

    // ---------------------------------------------------------------- the load

    /** Amount of event i: 0.05 .. 9.95, half of them above 5. */
    static double amount(long i) {
        return (i % 100) / 10.0 + 0.05;
    }

    static String batch(long first, int count, String source) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i > 0 ? "," : "").append("{\"amount\":").append(amount(first + i)).append(",\"source\":\"")
                    .append(source).append("\"}");
        }
        return body.append(']').toString();
    }

    static int post(String url, String body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("POST " + url + ": " + r.statusCode() + " " + r.body());
            }
            return r.statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** [events/s end to end, events/s of the answered POSTs, bench JVM CPU µs per event]. */
    static double[] throughput(Side side, int events, int clients, int perPost) throws Exception {
        long highBefore = pgCount(side.table());
        long lowBefore = influxCount(side.measurement());
        long high = 0;
        for (int i = 0; i < events; i++) {
            high += amount(i) > 5 ? 1 : 0;
        }
        long low = events - high;
        int posts = (events + perPost - 1) / perPost;
        AtomicInteger next = new AtomicInteger();
        long cpu0 = processCpu();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(CompletableFuture.runAsync(() -> {
                for (int p; (p = next.getAndIncrement()) < posts; ) {
                    int first = p * perPost;
                    post(side.postUrl(), batch(first, Math.min(perPost, events - first), "T" + p));
                }
            }));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        long posted = System.nanoTime();
        long deadline = posted + TimeUnit.MINUTES.toNanos(5);
        boolean highDone = false;
        boolean lowDone = false;
        while (!(highDone && lowDone)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(side.name() + ": not all events stored after 5 minutes: high "
                        + (pgCount(side.table()) - highBefore) + " of " + high + ", low "
                        + (influxCount(side.measurement()) - lowBefore) + " of " + low);
            }
            Thread.sleep(100);
            highDone = highDone || pgCount(side.table()) - highBefore >= high;
            lowDone = lowDone || influxCount(side.measurement()) - lowBefore >= low;
        }
        long done = System.nanoTime();
        long cpu = processCpu() - cpu0;
        if (pgCount(side.table()) - highBefore != high || influxCount(side.measurement()) - lowBefore != low) {
            throw new IllegalStateException(side.name() + ": stored more than sent: high "
                    + (pgCount(side.table()) - highBefore) + " of " + high + ", low "
                    + (influxCount(side.measurement()) - lowBefore) + " of " + low);
        }
        return new double[] {events / ((done - t0) / 1e9), events / ((posted - t0) / 1e9), cpu / 1e3 / events};
    }

    /** [p50 ms, p99 ms, n]: POST → PostgreSQL row, at a paced rate, POSTs of 10 events. */
    static double[] latency(Side side, int rate, int seconds) throws Exception {
        int perPost = 10;
        long intervalNanos = 1_000_000_000L * perPost / rate;
        int posts = (int) (seconds * 1_000_000_000L / intervalNanos);
        Timestamp from = new Timestamp(System.currentTimeMillis());
        long highBefore = pgCount(side.table());
        long high = 0;
        long start = System.nanoTime();
        for (int p = 0; p < posts; p++) {
            long due = start + p * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
            post(side.postUrl(), batch((long) p * perPost, perPost, "L" + micros));
            for (int i = 0; i < perPost; i++) {
                high += amount((long) p * perPost + i) > 5 ? 1 : 0;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (pgCount(side.table()) - highBefore < high) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(side.name() + ": latency rows missing");
            }
            Thread.sleep(100);
        }
        List<Double> millis = new ArrayList<>();
        try (Connection c = postgres(); PreparedStatement s = c.prepareStatement("SELECT (extract(epoch FROM stored)"
                + " * 1000000 - CAST(substr(source, 2) AS BIGINT)) / 1000.0 FROM " + side.table()
                + " WHERE source LIKE 'L%' AND stored >= ?")) {
            s.setTimestamp(1, from);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    millis.add(rows.getDouble(1));
                }
            }
        }
        Stats stats = new Stats(millis.stream().mapToDouble(Double::doubleValue).toArray());
        return new double[] {stats.median(), stats.percentile(99), stats.count()};
    }

    /** POSTs of one body by {@code clients} clients for {@code seconds}: answered/s, median and p99 latency. */
    static void webhook(String url, String body, String what, int clients, int seconds) throws Exception {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            post(url, body);
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        List<CompletableFuture<long[]>> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            workers.add(CompletableFuture.supplyAsync(() -> {
                List<Long> mine = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    post(url, body);
                    mine.add(System.nanoTime() - s);
                }
                return mine.stream().mapToLong(Long::longValue).toArray();
            }, pool));
        }
        long[] all = workers.stream().flatMapToLong(w -> java.util.Arrays.stream(w.join())).toArray();
        double wall = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        Stats stats = Stats.ofNanos(all);
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f ms | %.2f ms |%n", what, clients, all.length / wall,
                stats.median(), stats.percentile(99));
    }

    static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    // ---------------------------------------------------------------- the hand-written route

    /**
     * What one would write by hand with Camel: no flow files, no recorded runs. The JDK HTTP server (8 threads)
     * parses the POSTed event or list and sends one record per event with a ProducerTemplate; two camel-kafka
     * batch consumers write their half with one JDBC batch (one connection kept) or one InfluxDB batch of points,
     * then commit the offsets.
     */
    static final class HandWritten {
        private final CamelContext camel = new DefaultCamelContext();
        private HttpServer server;
        private ProducerTemplate producer;
        private Connection connection;
        private InfluxDB influxDb;
        private String producerUri;

        void start() throws Exception {
            connection = postgres();
            connection.setAutoCommit(false);
            influxDb = InfluxDBFactory.connect(influxUrl);
            String consumer = "kafka:" + HAND_TOPIC + "?brokers=RAW(" + kafka + ")&autoOffsetReset=earliest"
                    + "&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true&batching=true"
                    + "&maxPollRecords=1000&batchingIntervalMs=1000&pollTimeoutMs=100";
            producerUri = "kafka:" + HAND_TOPIC + "?brokers=RAW(" + kafka + ")&synchronous=true"
                    + "&batchWithIndividualHeaders=true&requestRequiredAcks=all&enableIdempotence=true&lingerMs=0";
            // no Camel CLI connector (its status task walks the routes every 2 s), as Octoflow's side is measured
            org.apache.camel.spi.CliConnectorFactory cli = camel.getCamelContextExtension()
                    .getContextPlugin(org.apache.camel.spi.CliConnectorFactory.class);
            if (cli != null) {
                cli.setEnabled(false);
            }
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(consumer + "&groupId=hand-high").routeId("hand-high").process(e -> high(e));
                    from(consumer + "&groupId=hand-low").routeId("hand-low").process(e -> low(e));
                }
            });
            camel.start();
            producer = camel.createProducerTemplate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.createContext("/events", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    JsonNode body = JSON.readTree(in);
                    List<Message> records = new ArrayList<>();
                    for (JsonNode event : body.isArray() ? body : List.of(body)) {
                        Message record = new DefaultMessage(camel);
                        record.setHeader(KafkaConstants.KEY, event.path("source").asText("api"));
                        record.setBody(JSON.writeValueAsString(event));
                        records.add(record);
                    }
                    producer.sendBody(producerUri, records);
                    byte[] answer = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(202, answer.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                } catch (Exception e) {
                    byte[] answer = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(500, answer.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        }

        private static List<Message> records(Exchange exchange) {
            List<Message> records = new ArrayList<>();
            for (Object child : exchange.getMessage().getBody(List.class)) {
                records.add(((Exchange) child).getMessage());
            }
            return records;
        }

        private void high(Exchange exchange) throws Exception {
            List<Message> records = records(exchange);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO hand_events (part, off, amount,"
                    + " source, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (part, off) DO NOTHING")) {
                int n = 0;
                for (Message record : records) {
                    JsonNode event = JSON.readTree(record.getBody(String.class));
                    if (event.path("amount").asDouble() > 5) {
                        insert.setInt(1, record.getHeader(KafkaConstants.PARTITION, Integer.class));
                        insert.setLong(2, record.getHeader(KafkaConstants.OFFSET, Long.class));
                        insert.setDouble(3, event.path("amount").asDouble());
                        insert.setString(4, event.path("source").asText("api"));
                        insert.setTimestamp(5, new Timestamp(record.getHeader(KafkaConstants.TIMESTAMP, Long.class)));
                        insert.addBatch();
                        n++;
                    }
                }
                if (n > 0) {
                    insert.executeBatch();
                }
                connection.commit();
            }
            commit(records);
        }

        private void low(Exchange exchange) {
            List<Message> records = records(exchange);
            BatchPoints.Builder points = BatchPoints.database("streamproc").precision(TimeUnit.NANOSECONDS);
            int n = 0;
            for (Message record : records) {
                JsonNode event;
                try {
                    event = JSON.readTree(record.getBody(String.class));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (event.path("amount").asDouble() <= 5) {
                    long millis = record.getHeader(KafkaConstants.TIMESTAMP, Long.class);
                    long offset = record.getHeader(KafkaConstants.OFFSET, Long.class);
                    points.point(Point.measurement("hand_low")
                            .tag("part", String.valueOf(record.getHeader(KafkaConstants.PARTITION, Integer.class)))
                            .tag("source", event.path("source").asText("api"))
                            .addField("amount", event.path("amount").asDouble())
                            .time(millis * 1_000_000L + offset % 1_000_000L, TimeUnit.NANOSECONDS).build());
                    n++;
                }
            }
            if (n > 0) {
                influxDb.write(points.build());
            }
            commit(records);
        }

        private static void commit(List<Message> records) {
            Map<Integer, KafkaManualCommit> last = new LinkedHashMap<>();
            for (Message record : records) {
                KafkaManualCommit commit = record.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
                if (commit != null) {
                    last.put(record.getHeader(KafkaConstants.PARTITION, Integer.class), commit);
                }
            }
            last.values().forEach(KafkaManualCommit::commit);
        }

        void stop() throws Exception {
            if (server != null) {
                server.stop(0);
            }
            camel.close();
            if (connection != null) {
                connection.close();
            }
            if (influxDb != null) {
                influxDb.close();
            }
        }
    }
}
