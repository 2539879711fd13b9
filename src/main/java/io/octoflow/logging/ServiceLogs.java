package io.octoflow.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rewrite.RewriteAppender;
import org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.TimeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.action.Action;
import org.apache.logging.log4j.core.appender.rolling.action.DeleteAction;
import org.apache.logging.log4j.core.appender.rolling.action.IfAccumulatedFileCount;
import org.apache.logging.log4j.core.appender.rolling.action.IfFileName;
import org.apache.logging.log4j.core.appender.rolling.action.PathCondition;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.secret.Masker;

/**
 * The logs of a command, at LOG_LEVEL, in plain text or one JSON object per line with LOG_FORMAT=json. The service
 * ({@link #install}) logs to stdout, as containers and process managers expect, and to {@code LOG_PATH/octoflow.log},
 * rolled over daily and at LOG_MAX_FILE_MB into {@code octoflow-<date>-<n>.log.gz}, the newest LOG_MAX_FILES kept.
 * {@code octoflow launch} ({@link #forCommand}) logs to stderr only: its stdout is the flow's JSON. Every line passes
 * through {@link MaskingRewritePolicy} first, and lines written during a run carry its flow and execution id
 * ({@link RunContext}).
 *
 * <p>Installed into the running log4j configuration in place of {@code log4j2.xml}'s console, and removed again by
 * {@link #close()}.
 */
public final class ServiceLogs implements AutoCloseable {

    public static final String FILE_NAME = "octoflow.log";
    static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %notEmpty{[%enc{%X{flow}}{CRLF} %X{execution_id}] }%c{1.} - %msg%n";
    private static final String CONSOLE_NAME = "stderr";

    private final LoggerContext context;
    private final Appender masked;
    private final Appender console;
    private final Appender file;
    private final Appender previousConsole;

    private ServiceLogs(LoggerContext context, Appender masked, Appender console, Appender file,
            Appender previousConsole) {
        this.context = context;
        this.masked = masked;
        this.console = console;
        this.file = file;
        this.previousConsole = previousConsole;
    }

    /** The service's logs: stdout and LOG_PATH/octoflow.log. */
    public static ServiceLogs install(OctoflowConfig config, Masker masker) throws IOException {
        return install(config, masker, ConsoleAppender.Target.SYSTEM_OUT, true);
    }

    /** A one-shot command's logs ({@code launch}): stderr only, stdout being the command's output. */
    public static ServiceLogs forCommand(OctoflowConfig config, Masker masker) {
        try {
            return install(config, masker, ConsoleAppender.Target.SYSTEM_ERR, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no file is opened: cannot happen
        }
    }

    private static ServiceLogs install(OctoflowConfig config, Masker masker, ConsoleAppender.Target target,
            boolean toFile) throws IOException {
        Path directory = config.logPath();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        boolean json = config.logFormat().equals("json");

        Appender console = ConsoleAppender.newBuilder().setName("octoflow-console")
                .setTarget(target).setLayout(layout(configuration, json))
                .setConfiguration(configuration).build();
        console.start();
        configuration.addAppender(console);
        Appender file = toFile ? file(config, directory, configuration, json) : null;
        AppenderRef[] refs = file == null
                ? new AppenderRef[] {AppenderRef.createAppenderRef(console.getName(), null, null)}
                : new AppenderRef[] {AppenderRef.createAppenderRef(console.getName(), null, null),
                    AppenderRef.createAppenderRef(file.getName(), null, null)};
        Appender masked = RewriteAppender.createAppender("octoflow-masked", "true", refs,
                configuration, new MaskingRewritePolicy(masker, !json), null);
        masked.start();
        configuration.addAppender(masked);

        LoggerConfig root = configuration.getRootLogger();
        Appender previous = root.getAppenders().get(CONSOLE_NAME);
        root.removeAppender(CONSOLE_NAME);
        root.addAppender(masked, Level.ALL, null);
        root.setLevel(Level.valueOf(config.logLevel())); // checked by OctoflowConfig
        context.updateLoggers();
        return new ServiceLogs(context, masked, console, file, previous);
    }

    private static Appender file(OctoflowConfig config, Path directory, Configuration configuration, boolean json)
            throws IOException {
        Files.createDirectories(directory);
        String pattern = directory.resolve("octoflow-%d{yyyy-MM-dd}-%i.log.gz").toString();
        Action retention = DeleteAction.createDeleteAction(directory.toString(), false, 1, false, null,
                new PathCondition[] {IfFileName.createNameCondition("octoflow-*.log.gz", null,
                        IfAccumulatedFileCount.createFileCountCondition(config.logMaxFiles()))},
                null, configuration);
        Appender file = RollingFileAppender.newBuilder().setName("octoflow-file")
                .withFileName(directory.resolve(FILE_NAME).toString()).withFilePattern(pattern)
                .withPolicy(CompositeTriggeringPolicy.createPolicy(
                        TimeBasedTriggeringPolicy.newBuilder().withInterval(1).build(),
                        SizeBasedTriggeringPolicy.createPolicy(config.logMaxFileMb() + " MB")))
                .withStrategy(DefaultRolloverStrategy.newBuilder().withMax(String.valueOf(Integer.MAX_VALUE))
                        .withCustomActions(new Action[] {retention}).withConfig(configuration).build())
                .setLayout(layout(configuration, json)).setConfiguration(configuration).build();
        file.start();
        configuration.addAppender(file);
        return file;
    }

    private static Layout<?> layout(Configuration configuration, boolean json) {
        if (json) {
            return JsonTemplateLayout.newBuilder().setConfiguration(configuration)
                    .setEventTemplateUri("classpath:octoflow-log-layout.json").build();
        }
        return PatternLayout.newBuilder().withConfiguration(configuration).withPattern(TEXT_PATTERN).build();
    }

    /** Puts the console back as it was and closes the log file. */
    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        LoggerConfig root = configuration.getRootLogger();
        root.removeAppender(masked.getName());
        if (previousConsole != null) {
            root.addAppender(previousConsole, null, null);
        }
        context.updateLoggers();
        masked.stop();
        if (file != null) {
            file.stop();
            configuration.getAppenders().remove(file.getName());
        }
        console.stop();
        configuration.getAppenders().remove(masked.getName());
        configuration.getAppenders().remove(console.getName());
    }
}
