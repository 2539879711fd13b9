package io.octoflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.route.OctoflowCamelContext;

/**
 * A temporary Octoflow installation: {@code data/}, {@code flows/}, {@code templates/} and {@code secrets.yml}
 * under one directory, the config pointing at them, and an engine built on first use.
 */
public final class FlowFixture implements AutoCloseable {

    private final Path root;
    private final Path data;
    private final Path flows;
    private final Path templates;
    private final Path secrets;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private FlowEngine engine;

    public FlowFixture(Path root) {
        this.root = root;
        this.data = root.resolve("data");
        this.flows = root.resolve("flows");
        this.templates = root.resolve("templates");
        this.secrets = root.resolve("secrets.yml");
        try {
            Files.createDirectories(data);
            Files.createDirectories(flows);
            Files.createDirectories(templates);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("DATA_PATH", data.toString());
        settings.put("FLOWS_PATH", flows.toString());
        settings.put("TEMPLATES_PATH", templates.toString());
        settings.put("SECRETS_PATH", secrets.toString());
        settings.put("FLOW_TIMEOUT_SECONDS", "30");
    }

    public Path root() {
        return root;
    }

    public Path data() {
        return data;
    }

    public Path flows() {
        return flows;
    }

    public Path templates() {
        return templates;
    }

    public Path secrets() {
        return secrets;
    }

    /** Sets a configuration value (FLOW_MAX_WORKERS, HASHICORP_VAULT_TOKEN...); only before the engine exists. */
    public FlowFixture set(String name, String value) {
        if (engine != null) {
            throw new IllegalStateException("the engine is already built; set " + name + " before using it");
        }
        settings.put(name, value);
        return this;
    }

    public OctoflowConfig config() {
        return OctoflowConfig.from(Map.copyOf(settings));
    }

    /** The engine on its own Camel context, built on first use. */
    public FlowEngine engine() {
        if (engine == null) {
            engine = new FlowEngine(config(), new OctoflowCamelContext(), new KubernetesAccess(config()));
        }
        return engine;
    }

    /** The engine on a given Camel context (e.g. CamelTestSupport's context()). */
    public FlowEngine engine(CamelContext context) {
        if (engine != null) {
            throw new IllegalStateException("the engine is already built");
        }
        engine = new FlowEngine(config(), context, new KubernetesAccess(config()));
        return engine;
    }

    public Path flow(String relativePath, String yaml) {
        return write(flows, relativePath, yaml);
    }

    public Path template(String relativePath, String text) {
        return write(templates, relativePath, text);
    }

    public Path dataFile(String relativePath, String text) {
        return write(data, relativePath, text);
    }

    public Path secretsFile(String yaml) {
        return write(root, secrets.getFileName().toString(), yaml);
    }

    public String readData(String relativePath) {
        try {
            return Files.readString(data.resolve(relativePath), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FlowDefinition load(String flowPath) {
        return engine().load(flows.resolve(flowPath));
    }

    public RunResult run(String flowPath) {
        return run(flowPath, null, Map.of());
    }

    public RunResult run(String flowPath, Map<String, Object> initialData) {
        return run(flowPath, null, initialData);
    }

    public RunResult run(String flowPath, Object input, Map<String, Object> initialData) {
        FlowDefinition flow = load(flowPath);
        return engine().run(flow, input, initialData);
    }

    /** The special variables every flow's data holds from the start, as on the spooler. */
    public static final java.util.Set<String> SPECIAL_KEYS = java.util.Set.of("__errors__", "__input__",
            "__loop_index__", "__job_id__", "__timestamp__", "__flow_path__");

    /** The flow data without the special variables: what the steps stored. */
    public static Map<String, Object> stored(Map<String, Object> data) {
        Map<String, Object> stored = new LinkedHashMap<>(data);
        stored.keySet().removeAll(SPECIAL_KEYS);
        return stored;
    }

    /** Writes {@code text} to {@code dir/relativePath}, creating the directories. */
    static Path write(Path dir, String relativePath, String text) {
        Path file = dir.resolve(relativePath);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    /** Collects the formatted messages of one logger while open (log4j-core appender). */
    public static final class LogCapture implements AutoCloseable {

        private final org.apache.logging.log4j.core.Logger logger;
        private final AbstractAppender appender;
        private final Level previousLevel;
        private final boolean createdConfig;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        public LogCapture(String loggerName) {
            this.logger = (org.apache.logging.log4j.core.Logger) LogManager.getLogger(loggerName);
            this.previousLevel = logger.getLevel();
            this.appender = new AbstractAppender("capture-" + loggerName + "-" + System.nanoTime(), null, null,
                    true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    lines.add(event.getMessage().getFormattedMessage());
                }
            };
            appender.start();
            var configuration = logger.getContext().getConfiguration();
            this.createdConfig = !configuration.getLoggerConfig(loggerName).getName().equals(loggerName);
            logger.addAppender(appender);
            // log4j copies the root's additivity (false) into the config it creates: the lines would stop here
            configuration.getLoggerConfig(loggerName).setAdditive(true);
            if (!logger.isInfoEnabled()) {
                logger.setLevel(Level.INFO);
            }
        }

        public List<String> lines() {
            return List.copyOf(lines);
        }

        public String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            logger.removeAppender(appender);
            logger.setLevel(previousLevel);
            appender.stop();
            if (createdConfig) {
                logger.getContext().getConfiguration().removeLogger(logger.getName());
                logger.getContext().updateLoggers();
            }
        }
    }
}
