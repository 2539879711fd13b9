package io.octoflow.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import io.octoflow.config.ApiProtocol;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.metrics.Metrics;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP server of the API (camel-platform-http on Vert.x). API_PROTOCOL {@code http} or {@code https} serves
 * on API_PORT; {@code both} serves http on API_PORT and https on API_HTTPS_PORT, from the same routes. The
 * certificate comes from API_KEYSTORE (PKCS12 or JKS, with API_KEYSTORE_PASSWORD), or is a self-signed one
 * generated on first start into DATA_PATH (made with the JDK's keytool, valid for localhost). Both ports serve
 * under {@link io.octoflow.config.ApiLimits} ({@link GuardedHttpServer}).
 */
public final class ApiServer {

    private static final Logger LOG = LogManager.getLogger(ApiServer.class);

    public static final String JOLOKIA_PATH = "/jolokia";

    private final OctoflowConfig config;
    private GuardedHttpServer server;

    public ApiServer(OctoflowConfig config) {
        this.config = config;
    }

    public void start(CamelContext camel) throws Exception {
        // Camel's server logs a taken port and carries on without an API: say it and stop instead
        PortCheck.free(config.apiBind(), config.apiPort(), "API_PORT");
        if (config.apiProtocol() == ApiProtocol.BOTH) {
            PortCheck.free(config.apiBind(), config.apiHttpsPort(), "API_HTTPS_PORT");
        }
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(config.apiBind());
        configuration.setBindPort(config.apiPort());
        configuration.setMaxBodySize((long) config.apiLimits().maxBodyBytes());
        Keystore keystore = config.apiProtocol() == ApiProtocol.HTTP ? null : keystore();
        HttpServerOptions main = new HttpServerOptions().setHost(config.apiBind()).setPort(config.apiPort());
        if (config.apiProtocol() == ApiProtocol.HTTPS) {
            tls(main, keystore);
        }
        // before any route: the platform-http component takes the engine of the registry (issue 17: async answers)
        AsyncAnswerEngine engine = new AsyncAnswerEngine(ApiRoutes.ASYNC_PATHS);
        engine.setCamelContext(camel);
        camel.getRegistry().bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class, engine);
        server = new GuardedHttpServer(configuration, config.apiLimits(), main);
        camel.addService(server, true, true);
        if (config.apiProtocol() == ApiProtocol.BOTH) {
            server.listenAlso(tls(new HttpServerOptions().setHost(config.apiBind()).setPort(config.apiHttpsPort()),
                    keystore));
        }
    }

    private static HttpServerOptions tls(HttpServerOptions options, Keystore keystore) {
        options.setSsl(true);
        if (keystore.path().toString().endsWith(".jks")) {
            options.setKeyCertOptions(new JksOptions().setPath(keystore.path().toString())
                    .setPassword(keystore.password()));
        } else {
            options.setKeyCertOptions(new PfxOptions().setPath(keystore.path().toString())
                    .setPassword(keystore.password()));
        }
        return options;
    }

    /**
     * Camel's management routes on the same server: {@code /health}, {@code /health/live}, {@code /health/ready}
     * (open, for probes), {@code /metrics} (open, or behind METRICS_TOKEN), and {@code /jolokia} (JMX over HTTP for
     * Hawtio; the API token as Bearer, or as the password of Basic authentication).
     */
    public void startManagement(CamelContext camel, ApiToken apiToken) throws Exception {
        ManagementHttpServer management = new ManagementHttpServer();
        management.setCamelContext(camel);
        management.setHost(config.apiBind());
        management.setPort(config.apiPort()); // same port: Camel reuses the API's server and router
        management.setHealthCheckEnabled(true);
        management.setHealthPath("/health");
        management.setMetricsEnabled(false); // Metrics.serve adds /metrics, negotiated as Prometheus' client does
        management.setJolokiaEnabled(config.jolokiaEnabled());
        management.setJolokiaPath(JOLOKIA_PATH);
        camel.addService(management, true, true);
        ApiToken metricsToken = config.metricsToken() == null ? null : ApiToken.of(config.metricsToken());
        Router router = management.getRouter();
        if (metricsToken != null) {
            router.route(Metrics.PATH).order(-10).handler(ctx -> guard(ctx, metricsToken));
        }
        router.route(JOLOKIA_PATH + "/*").order(-10).handler(ctx -> guard(ctx, apiToken));
    }

    private static void guard(RoutingContext ctx, ApiToken token) {
        String header = ctx.request().getHeader("Authorization");
        if (token.authorizes(header)) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .putHeader("WWW-Authenticate", "Bearer realm=\"octoflow\", Basic realm=\"octoflow\"")
                .end(header == null ? "{\"error\": \"missing 'Authorization: Bearer <token>' header\"}"
                        : "{\"error\": \"invalid token\"}");
    }

    public List<String> urls() {
        return switch (config.apiProtocol()) {
            case HTTPS -> List.of("https://localhost:" + config.apiPort() + "/api");
            case BOTH -> List.of("http://localhost:" + config.apiPort() + "/api",
                    "https://localhost:" + config.apiHttpsPort() + "/api");
            default -> List.of("http://localhost:" + config.apiPort() + "/api");
        };
    }

    /** Connections open now on the API's ports. */
    public int openConnections() {
        return server == null ? 0 : server.openConnections();
    }

    public void stop() {
        // Camel stops the server with its other services
    }

    record Keystore(Path path, String password) {
    }

    private Keystore keystore() throws IOException, InterruptedException {
        if (config.apiKeystore() != null) {
            if (config.apiKeystorePassword() == null) {
                throw new IllegalArgumentException("API_KEYSTORE is set but API_KEYSTORE_PASSWORD is not");
            }
            if (!Files.isRegularFile(config.apiKeystore())) {
                throw new IllegalArgumentException("API_KEYSTORE: no such file " + config.apiKeystore());
            }
            return new Keystore(config.apiKeystore(), config.apiKeystorePassword());
        }
        Path store = config.dataPath().resolve("api-keystore.p12");
        Path passwordFile = config.dataPath().resolve("api-keystore.password");
        if (!Files.exists(store) || !Files.exists(passwordFile)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.deleteIfExists(store);
            Files.deleteIfExists(passwordFile);
            writePrivate(passwordFile, password);
            generateSelfSigned(store, password);
            LOG.info("self-signed certificate for the API generated into {}", store);
        }
        return new Keystore(store, Files.readString(passwordFile, StandardCharsets.UTF_8).trim());
    }

    private static void writePrivate(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
    }

    private static void generateSelfSigned(Path store, String password) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "octoflow",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass:env", "OCTOFLOW_KS", "-keypass:env", "OCTOFLOW_KS")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // the password goes through the environment, never on a command line others can read
        builder.environment().put("OCTOFLOW_KS", password);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool could not generate the self-signed certificate");
        }
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
    }
}
