package io.octoflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Octoflow's settings. Each is named by the spooler's environment variable ({@code DATA_PATH}, {@code API_PORT}...)
 * and looked up, first match wins, in: a JVM system property of that name, the environment variable, then
 * {@code application.properties} under the key {@code octoflow.<name in lower case with dashes>}
 * ({@code octoflow.api-port}): first {@code ./application.properties} (or the file named by
 * {@code OCTOFLOW_PROPERTIES}), then the defaults shipped in the jar.
 */
public record OctoflowConfig(
        Path dataPath,
        Path flowsPath,
        Path templatesPath,
        Path secretsPath,
        int flowMaxWorkers,
        long flowTimeoutSeconds,
        String vaultToken,
        Path lockPath,
        Path logPath,
        Path configFile,
        int apiPort,
        ApiProtocol apiProtocol,
        String apiToken,
        ZoneId timezone,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int historyRetentionDays,
        String logLevel,
        int apiHttpsPort,
        Path apiKeystore,
        String apiKeystorePassword,
        String jmxMbeansLevel,
        String metricsToken,
        boolean jolokiaEnabled,
        String logFormat,
        int logMaxFileMb,
        int logMaxFiles,
        boolean inCluster,
        Path kubeconfig,
        String kubernetesNamespace,
        boolean kubernetesWatch,
        int taskTimeout,
        boolean restVerifyTls,
        Path restCaBundle,
        String httpsProxy,
        String httpProxy,
        String noProxy,
        int vaultCacheTtlSeconds,
        int historyMaxStepsPerRun,
        int historyWriteQueue,
        int historyWriteBatch,
        long flowFileMaxBytes,
        int flowFileMaxDepth,
        int flowFileMaxAliases,
        int flowFileMaxNodes,
        String apiBind,
        int launchMaxThreads,
        int queueMaxWaiting,
        ApiLimits apiLimits,
        ClusterSettings cluster,
        StepLimits stepLimits,
        Map<String, DatasourceSettings> datasources,
        String apiUrl,
        boolean camelCliConnector,
        ConsoleSettings console,
        TriggerSettings triggers,
        StreamSettings streams,
        boolean flowRoutesAtDeploy,
        int flowLoadThreads) {

    /**
     * Other names a setting has on the spooler: its code reads FLOW_TIMEOUT where its README says
     * FLOW_TIMEOUT_SECONDS, and installations use either.
     */
    private static final Map<String, String> SPOOLER_ALIASES = Map.of("FLOW_TIMEOUT_SECONDS", "FLOW_TIMEOUT");

    /** @throws InvalidSettingException when a setting has a value Octoflow cannot use (its message names it) */
    public static OctoflowConfig fromEnvironment() {
        try {
            return readEnvironment();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(e.getMessage(), e);
        }
    }

    private static OctoflowConfig readEnvironment() {
        Properties file = applicationProperties();
        return from(name -> {
            String value = given(name);
            if (value == null && SPOOLER_ALIASES.containsKey(name)) {
                value = given(SPOOLER_ALIASES.get(name));
            }
            if (value == null) {
                value = file.getProperty(propertyKey(name));
            }
            return value;
        });
    }

    private static String given(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    public static OctoflowConfig from(Map<String, String> values) {
        return from(name -> {
            String value = values.get(name);
            return value == null && SPOOLER_ALIASES.containsKey(name) ? values.get(SPOOLER_ALIASES.get(name)) : value;
        });
    }

    public static OctoflowConfig from(Function<String, String> lookup) {
        Path data = path(lookup, "DATA_PATH", "data");
        return new OctoflowConfig(
                data,
                path(lookup, "FLOWS_PATH", "routes"),
                path(lookup, "TEMPLATES_PATH", "templates"),
                path(lookup, "SECRETS_PATH", data.resolve("secrets.yml").toString()),
                positiveInt(lookup, "FLOW_MAX_WORKERS", 8),
                positiveInt(lookup, "FLOW_TIMEOUT_SECONDS", 600),
                lookup.apply("HASHICORP_VAULT_TOKEN"),
                path(lookup, "LOCK_PATH", data.resolve("locks").toString()),
                path(lookup, "LOG_PATH", data.resolve("logs").toString()),
                path(lookup, "CONFIG_FILE", data.resolve("config.yml").toString()),
                port(lookup, "API_PORT", 5000),
                protocol(lookup),
                blankToNull(lookup.apply("API_TOKEN")),
                zone(lookup),
                value(lookup, "DB_URL", "jdbc:h2:file:" + data.resolve("octoflow").toString().replace('\\', '/')),
                blankToNull(lookup.apply("DB_USER")),
                blankToNull(lookup.apply("DB_PASSWORD")),
                positiveInt(lookup, "HISTORY_RETENTION_DAYS", 30),
                logLevel(lookup),
                port(lookup, "API_HTTPS_PORT", 5443),
                blankToNull(lookup.apply("API_KEYSTORE")) == null ? null : path(lookup, "API_KEYSTORE", ""),
                blankToNull(lookup.apply("API_KEYSTORE_PASSWORD")),
                jmxLevel(lookup),
                blankToNull(lookup.apply("METRICS_TOKEN")),
                bool(lookup, "JOLOKIA_ENABLED", true),
                oneOf(lookup, "LOG_FORMAT", "text", "text", "json"),
                positiveInt(lookup, "LOG_MAX_FILE_MB", 10),
                positiveInt(lookup, "LOG_MAX_FILES", 30),
                bool(lookup, "IN_CLUSTER", false),
                blankToNull(lookup.apply("KUBECONFIG")) == null ? null : path(lookup, "KUBECONFIG", ""),
                blankToNull(lookup.apply("KUBERNETES_NAMESPACE")),
                bool(lookup, "KUBERNETES_WATCH", false),
                positiveInt(lookup, "TASK_TIMEOUT", 300),
                bool(lookup, "REST_VERIFY_TLS", true),
                blankToNull(lookup.apply("REST_CA_BUNDLE")) == null ? null : path(lookup, "REST_CA_BUNDLE", ""),
                proxy(lookup, "HTTPS_PROXY"),
                proxy(lookup, "HTTP_PROXY"),
                proxy(lookup, "NO_PROXY"),
                nonNegativeInt(lookup, "HASHICORP_VAULT_CACHE_TTL", 60),
                positiveInt(lookup, "HISTORY_MAX_STEPS_PER_RUN", 10_000),
                positiveInt(lookup, "HISTORY_WRITE_QUEUE", 4096),
                positiveInt(lookup, "HISTORY_WRITE_BATCH", 256),
                positiveInt(lookup, "FLOW_FILE_MAX_BYTES", 1_048_576),
                positiveInt(lookup, "FLOW_FILE_MAX_DEPTH", 64),
                nonNegativeInt(lookup, "FLOW_FILE_MAX_ALIASES", 50),
                positiveInt(lookup, "FLOW_FILE_MAX_NODES", 100_000),
                bind(lookup),
                positiveInt(lookup, "LAUNCH_MAX_THREADS", 1024),
                positiveInt(lookup, "QUEUE_MAX_WAITING", 10_000),
                apiLimits(lookup),
                ClusterSettings.from(lookup),
                stepLimits(lookup),
                datasources(lookup),
                blankToNull(lookup.apply("API_URL")),
                bool(lookup, "CAMEL_CLI_CONNECTOR", false),
                new ConsoleSettings(bool(lookup, "CONSOLE_ENABLED", true),
                        positiveInt(lookup, "CONSOLE_MAX_SESSIONS", ConsoleSettings.DEFAULT_MAX_SESSIONS),
                        positiveInt(lookup, "CONSOLE_SESSION_IDLE_MINUTES", ConsoleSettings.DEFAULT_IDLE_MINUTES)),
                new TriggerSettings(
                        positiveInt(lookup, "WEBHOOK_WAIT_SECONDS", TriggerSettings.DEFAULTS.webhookWaitSeconds()),
                        positiveInt(lookup, "FILE_TRIGGER_POLL_MILLIS", TriggerSettings.DEFAULTS.filePollMillis()),
                        positiveInt(lookup, "FLOW_TRIGGER_MAX_DEPTH", TriggerSettings.DEFAULTS.flowChainMaxDepth()),
                        positiveInt(lookup, "KAFKA_TRIGGER_RETRY_MILLIS",
                                TriggerSettings.DEFAULTS.kafkaRetryMillis()),
                        positiveInt(lookup, "KAFKA_TRIGGER_SESSION_TIMEOUT_MILLIS",
                                TriggerSettings.DEFAULTS.kafkaSessionTimeoutMillis()),
                        positiveInt(lookup, "FILE_TRIGGER_CLAIM_RETENTION_DAYS",
                                TriggerSettings.DEFAULTS.fileClaimRetentionDays())),
                new StreamSettings(value(lookup, "KAFKA_BROKERS", StreamSettings.DEFAULT_KAFKA_BROKERS),
                        value(lookup, "INFLUX_URL", StreamSettings.DEFAULT_INFLUX_URL)),
                flowRoutes(lookup),
                nonNegativeInt(lookup, "FLOW_LOAD_THREADS", 0));
    }

    /** The threads that read and validate the flow files at start: FLOW_LOAD_THREADS, 0 for one per core. */
    public int flowLoadThreadCount() {
        return flowLoadThreads > 0 ? flowLoadThreads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * The URL of the running service's API that the terminal client ({@code octoflow flows}, {@code runs},
     * {@code run-flow}) talks to: API_URL, else this host on API_PORT with API_PROTOCOL's scheme.
     */
    public String clientUrl() {
        if (apiUrl != null) {
            return apiUrl;
        }
        return (apiProtocol == ApiProtocol.HTTPS ? "https" : "http") + "://localhost:" + apiPort;
    }

    private static ApiLimits apiLimits(Function<String, String> lookup) {
        return new ApiLimits(
                positiveInt(lookup, "API_HEADER_TIMEOUT_SECONDS", ApiLimits.DEFAULT_HEADER_TIMEOUT_SECONDS),
                positiveInt(lookup, "API_IDLE_TIMEOUT_SECONDS", ApiLimits.DEFAULT_IDLE_TIMEOUT_SECONDS),
                positiveInt(lookup, "API_MAX_CONNECTIONS", ApiLimits.DEFAULT_MAX_CONNECTIONS),
                positiveInt(lookup, "API_MAX_HEADER_BYTES", ApiLimits.DEFAULT_MAX_HEADER_BYTES),
                positiveInt(lookup, "API_MAX_BODY_BYTES", ApiLimits.DEFAULT_MAX_BODY_BYTES),
                positiveInt(lookup, "API_MAX_RESULT_BYTES", ApiLimits.DEFAULT_MAX_RESULT_BYTES));
    }

    private static StepLimits stepLimits(Function<String, String> lookup) {
        StepLimits d = StepLimits.DEFAULTS;
        return new StepLimits(
                positiveLong(lookup, "JQ_MAX_STEPS", d.jqMaxSteps()),
                positiveLong(lookup, "JQ_MAX_OUTPUT_NODES", d.jqMaxOutputNodes()),
                positiveInt(lookup, "REST_CONNECT_TIMEOUT_SECONDS", d.restConnectTimeoutSeconds()),
                positiveInt(lookup, "REST_READ_TIMEOUT_SECONDS", d.restReadTimeoutSeconds()),
                positiveInt(lookup, "REST_MAX_CONNECTIONS", d.restMaxConnections()),
                positiveInt(lookup, "REST_MAX_CONNECTIONS_PER_HOST", d.restMaxConnectionsPerHost()),
                positiveLong(lookup, "REST_RESPONSE_MAX_BYTES", d.restResponseMaxBytes()),
                positiveLong(lookup, "FILE_READ_MAX_BYTES", d.fileReadMaxBytes()));
    }

    private static long positiveLong(Function<String, String> lookup, String name, long fallback) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": expected a positive whole number, got '" + value + "'");
    }

    /** The datasource name the sql step uses when it names none: the history database, DB_URL. */
    public static final String DEFAULT_DATASOURCE = "default";

    /**
     * DATASOURCES: the names of the databases flows may use (comma-separated), each with DATASOURCE_<NAME>_URL
     * (required), _SECRET and _POOL_SIZE. Listed by name, not discovered from the environment, so that a setting
     * for a name nobody listed is not silently ignored and a misspelt one is an error here, at start.
     */
    private static Map<String, DatasourceSettings> datasources(Function<String, String> lookup) {
        String list = blankToNull(lookup.apply("DATASOURCES"));
        Map<String, DatasourceSettings> datasources = new java.util.LinkedHashMap<>();
        if (list == null) {
            return datasources;
        }
        for (String raw : list.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[a-z][a-z0-9_]*") || name.equals(DEFAULT_DATASOURCE)) {
                throw new IllegalArgumentException("DATASOURCES: '" + name + "' is not a datasource name (lower case"
                        + " letters, digits and _, starting with a letter; 'default' is DB_URL's)");
            }
            String urlVariable = DatasourceSettings.variable(name, "URL");
            String url = blankToNull(lookup.apply(urlVariable));
            if (url == null || !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException(urlVariable + ": datasource '" + name + "' (listed in DATASOURCES)"
                        + " needs a JDBC URL (jdbc:postgresql://host:5432/db, jdbc:h2:file:...)"
                        + (url == null ? "" : ", got one that does not start with jdbc:"));
            }
            datasources.put(name, new DatasourceSettings(name, url,
                    blankToNull(lookup.apply(DatasourceSettings.variable(name, "SECRET"))),
                    positiveInt(lookup, DatasourceSettings.variable(name, "POOL_SIZE"), 4)));
        }
        return java.util.Collections.unmodifiableMap(datasources);
    }

    /** Proxy variables are read in both spellings, as curl and Python's requests do (lower case first). */
    private static String proxy(Function<String, String> lookup, String name) {
        String lower = blankToNull(lookup.apply(name.toLowerCase(Locale.ROOT)));
        return lower != null ? lower : blankToNull(lookup.apply(name));
    }

    private static int nonNegativeInt(Function<String, String> lookup, String name, int fallback) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": expected zero or a positive whole number, got '" + value + "'");
    }

    private static boolean bool(Function<String, String> lookup, String name, boolean fallback) {
        String value = value(lookup, name, String.valueOf(fallback)).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(name + ": expected true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static String oneOf(Function<String, String> lookup, String name, String fallback, String... allowed) {
        String value = value(lookup, name, fallback).toLowerCase(Locale.ROOT);
        if (!java.util.Arrays.asList(allowed).contains(value)) {
            throw new IllegalArgumentException(name + ": expected one of " + String.join(", ", allowed) + ", got '"
                    + value + "'");
        }
        return value;
    }

    /** The levels LOG_LEVEL accepts (log4j's), and Python's names for two of them, which spooler installations use. */
    static final java.util.List<String> LOG_LEVELS = java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR",
            "FATAL", "OFF");
    private static final Map<String, String> PYTHON_LOG_LEVELS = Map.of("WARNING", "WARN", "CRITICAL", "FATAL");

    /** LOG_LEVEL: one of {@link #LOG_LEVELS} in any case (WARNING and CRITICAL too); an unknown level is refused. */
    private static String logLevel(Function<String, String> lookup) {
        String given = value(lookup, "LOG_LEVEL", "INFO");
        String level = given.toUpperCase(Locale.ROOT);
        level = PYTHON_LOG_LEVELS.getOrDefault(level, level);
        if (!LOG_LEVELS.contains(level)) {
            throw new IllegalArgumentException("LOG_LEVEL: expected one of " + String.join(", ", LOG_LEVELS)
                    + " (any case; WARNING and CRITICAL are read as WARN and FATAL), got '" + given + "'");
        }
        return level;
    }

    /** Camel's ManagementMBeansLevel: processors (one MBean per step processor), routes only, or context only. */
    private static String jmxLevel(Function<String, String> lookup) {
        String value = value(lookup, "JMX_MBEANS_LEVEL", "Default");
        for (String level : new String[] {"Default", "RoutesOnly", "ContextOnly"}) {
            if (level.equalsIgnoreCase(value)) {
                return level;
            }
        }
        throw new IllegalArgumentException("JMX_MBEANS_LEVEL: expected Default, RoutesOnly or ContextOnly, got '"
                + value + "'");
    }

    /**
     * FLOW_ROUTES: {@code on-first-run} (a flow's Camel route is built when it first runs: 10,000 flows start in
     * seconds) or {@code at-deploy} (every flow's route built when its file is deployed). True for at-deploy.
     */
    private static boolean flowRoutes(Function<String, String> lookup) {
        String value = value(lookup, "FLOW_ROUTES", "on-first-run");
        if (value.equalsIgnoreCase("on-first-run")) {
            return false;
        }
        if (value.equalsIgnoreCase("at-deploy")) {
            return true;
        }
        throw new IllegalArgumentException("FLOW_ROUTES: expected on-first-run or at-deploy, got '" + value + "'");
    }

    /** {@code API_PORT} → {@code octoflow.api-port}. */
    public static String propertyKey(String variable) {
        return "octoflow." + variable.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream defaults = OctoflowConfig.class.getResourceAsStream("/application.properties")) {
            if (defaults != null) {
                properties.load(new java.io.InputStreamReader(defaults, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled application.properties", e);
        }
        String named = System.getenv("OCTOFLOW_PROPERTIES");
        Path local = Path.of(named != null && !named.isBlank() ? named : "application.properties");
        if (Files.isRegularFile(local)) {
            try (Reader reader = Files.newBufferedReader(local, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException(local + ": cannot read: " + e.getMessage());
            }
        }
        return properties;
    }

    private static String value(Function<String, String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Path path(Function<String, String> lookup, String name, String fallback) {
        return Path.of(value(lookup, name, fallback)).toAbsolutePath().normalize();
    }

    /** A setting that must be a whole number above 0 (fits an int); {@code fallback} when unset. */
    static int positiveInt(Function<String, String> lookup, String name, int fallback) {
        long value = positiveLong(lookup, name, fallback);
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": expected a positive whole number up to " + Integer.MAX_VALUE
                    + ", got '" + lookup.apply(name) + "'");
        }
        return (int) value;
    }

    private static int port(Function<String, String> lookup, String name, int fallback) {
        int port = positiveInt(lookup, name, fallback);
        if (port > 65535) {
            throw new IllegalArgumentException(name + ": expected a port number (1-65535), got " + port);
        }
        return port;
    }

    private static ApiProtocol protocol(Function<String, String> lookup) {
        String value = value(lookup, "API_PROTOCOL", "http").toLowerCase(Locale.ROOT).replace(" ", "");
        if (!value.equals("http") && !value.equals("https") && !value.equals("http,https")
                && !value.equals("https,http") && !value.equals("both")) {
            throw new IllegalArgumentException("API_PROTOCOL: expected http, https or both (http,https), got '"
                    + value + "'");
        }
        return value.equals("http") ? ApiProtocol.HTTP : value.equals("https") ? ApiProtocol.HTTPS : ApiProtocol.BOTH;
    }

    /** API_BIND: the address the API listens on, an IP literal or a host name that resolves. */
    private static String bind(Function<String, String> lookup) {
        String value = value(lookup, "API_BIND", "0.0.0.0");
        try {
            java.net.InetAddress.getByName(value);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("API_BIND: expected an address to listen on (0.0.0.0 for all,"
                    + " 127.0.0.1 for this host only), got '" + value + "'");
        }
        return value;
    }

    private static ZoneId zone(Function<String, String> lookup) {
        String value = value(lookup, "TIMEZONE", "UTC");
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("TIMEZONE: unknown time zone '" + value + "' (e.g. UTC, Europe/Berlin)");
        }
    }

    @Override
    public String toString() {
        // never print the vault token, the API token or the database password
        return "OctoflowConfig[data=" + dataPath + ", flows=" + flowsPath + ", templates=" + templatesPath
                + ", secrets=" + secretsPath + ", locks=" + lockPath + ", logs=" + logPath + ", workers="
                + flowMaxWorkers + ", timeout=" + flowTimeoutSeconds + "s, api=" + apiProtocol.label() + ":" + apiPort
                + ", timezone=" + timezone + ", db=" + dbUrl.replaceAll("password=[^;&]*", "password=***") + "]";
    }
}
