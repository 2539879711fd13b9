package io.octoflow.support;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what the loggers of some classes log at DEBUG and above (level, message, and whether a stack trace came
 * with it), through logger configurations of their own (additive, so the console still shows them) removed again at
 * {@link #close()}: the logging set-up of the other tests is left as it was.
 */
public final class CapturedLogs extends AbstractAppender implements AutoCloseable {

    /** One log event: its level, formatted message and the throwable logged with it (a stack trace), if any. */
    public record Line(Level level, String logger, String message, Throwable thrown) {

        public boolean atLeast(Level threshold) {
            return level.isMoreSpecificThan(threshold);
        }

        @Override
        public String toString() {
            return level + " " + logger + " " + message + (thrown != null ? " [stack trace: " + thrown + "]" : "");
        }
    }

    private final List<String> loggerNames;
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private CapturedLogs(List<String> loggerNames) {
        super("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
        this.loggerNames = loggerNames;
    }

    /** Starts collecting what the loggers named after {@code sources} (classes or packages) log. */
    public static CapturedLogs of(String... sources) {
        CapturedLogs capture = new CapturedLogs(List.of(sources));
        capture.start();
        LoggerContext context = LoggerContext.getContext(false);
        Configuration configuration = context.getConfiguration();
        for (String name : sources) {
            LoggerConfig config = configuration.getLoggerConfig(name);
            if (!config.getName().equals(name)) {
                config = LoggerConfig.newBuilder().withLoggerName(name).withLevel(Level.DEBUG)
                        .withAdditivity(true).withConfig(configuration).build();
                configuration.addLogger(name, config);
                capture.created.add(name);
            }
            config.addAppender(capture, Level.DEBUG, null);
        }
        context.updateLoggers();
        return capture;
    }

    public static CapturedLogs of(Class<?>... sources) {
        return of(java.util.Arrays.stream(sources).map(Class::getName).toArray(String[]::new));
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getMessage().getFormattedMessage(),
                event.getThrown()));
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines at {@code threshold} or more severe. */
    public List<Line> atLeast(Level threshold) {
        return lines.stream().filter(l -> l.atLeast(threshold)).toList();
    }

    @Override
    public void close() {
        LoggerContext context = LoggerContext.getContext(false);
        Configuration configuration = context.getConfiguration();
        for (String name : loggerNames) {
            if (created.contains(name)) {
                configuration.removeLogger(name);
            } else {
                configuration.getLoggerConfig(name).removeAppender(getName());
            }
        }
        context.updateLoggers();
        stop();
    }
}
