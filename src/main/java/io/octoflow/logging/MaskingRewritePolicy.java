package io.octoflow.logging;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

import io.octoflow.secret.Masker;

/**
 * Replaces every known secret value in a log line, and in the messages of its exception chain, with the mask,
 * whoever wrote the line (our code, Camel, an HTTP client quoting a URL with a token in it). In the text format,
 * a line break inside a message is escaped ({@link LogText}), so that user text (a flow name with a line break)
 * cannot forge log lines; the debug step's output ({@value #DEBUG_LOGGER}) keeps its lines, as the spooler prints
 * data, and escapes the names in its header itself.
 */
public final class MaskingRewritePolicy implements RewritePolicy {

    static final String DEBUG_LOGGER = "io.octoflow.debug";

    private final Masker masker;
    private final boolean oneLine;

    public MaskingRewritePolicy(Masker masker) {
        this(masker, false);
    }

    /** With {@code oneLine} (the text format), line breaks in messages are escaped, except the debug step's. */
    public MaskingRewritePolicy(Masker masker, boolean oneLine) {
        this.masker = masker;
        this.oneLine = oneLine;
    }

    @Override
    public LogEvent rewrite(LogEvent event) {
        String message = event.getMessage().getFormattedMessage();
        String masked = masker.mask(message);
        if (oneLine && !DEBUG_LOGGER.equals(event.getLoggerName())) {
            masked = LogText.oneLine(masked);
        }
        Throwable thrown = event.getThrown();
        Throwable maskedThrown = thrown == null ? null : mask(thrown, 0);
        if (masked.equals(message) && maskedThrown == thrown) {
            return event;
        }
        return new Log4jLogEvent.Builder(event).setMessage(new SimpleMessage(masked)).setThrown(maskedThrown)
                .setThrownProxy(null).build();
    }

    /** The same chain when no message holds a secret; otherwise copies with masked messages and the same traces. */
    private Throwable mask(Throwable thrown, int depth) {
        Throwable cause = thrown.getCause() == null || thrown.getCause() == thrown || depth > 20 ? null
                : mask(thrown.getCause(), depth + 1);
        String text = thrown.getMessage();
        String masked = text == null ? null : masker.mask(text);
        if ((text == null || masked.equals(text)) && cause == thrown.getCause()) {
            return thrown;
        }
        MaskedException copy = new MaskedException(thrown.getClass().getName(), masked, cause);
        copy.setStackTrace(thrown.getStackTrace());
        return copy;
    }

    /** Stands in for an exception whose message held a secret; its message starts with the original class. */
    static final class MaskedException extends RuntimeException {

        MaskedException(String type, String message, Throwable cause) {
            super(message == null ? type : type + ": " + message, cause);
        }
    }
}
