package io.octoflow.lock;

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
 * Collects the INFO-and-above messages one class logs, through a logger configuration of its own (additive, so the
 * console still shows them) that is removed again: the logging set-up of the other tests is left as it was.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final String loggerName;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private boolean createdConfig;

    private LogCapture(Class<?> source) {
        super("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY);
        this.loggerName = source.getName();
    }

    /** Starts collecting what {@code source} logs. */
    static LogCapture of(Class<?> source) {
        LogCapture capture = new LogCapture(source);
        capture.start();
        LoggerContext context = LoggerContext.getContext(false);
        Configuration configuration = context.getConfiguration();
        LoggerConfig config = configuration.getLoggerConfig(capture.loggerName);
        if (!config.getName().equals(capture.loggerName)) {
            config = LoggerConfig.newBuilder().withLoggerName(capture.loggerName).withLevel(Level.INFO)
                    .withAdditivity(true).withConfig(configuration).build();
            configuration.addLogger(capture.loggerName, config);
            capture.createdConfig = true;
        }
        config.addAppender(capture, Level.INFO, null);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        if (loggerName.equals(event.getLoggerName())) {
            messages.add(event.getMessage().getFormattedMessage());
        }
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        LoggerContext context = LoggerContext.getContext(false);
        Configuration configuration = context.getConfiguration();
        if (createdConfig) {
            configuration.removeLogger(loggerName);
        } else {
            configuration.getLoggerConfig(loggerName).removeAppender(getName());
        }
        context.updateLoggers();
        stop();
    }
}
