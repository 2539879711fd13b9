package io.octoflow.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.octoflow.flow.Key.Kind;

/**
 * A step's {@code retry:} block, compiled: how many times the step runs at most (the first attempt counts), how long
 * to wait between attempts, and which errors are worth another attempt. An Octoflow addition to the spooler's
 * format, named as Kestra ({@code retry: {type: constant|exponential}}) and Airflow ({@code retries},
 * {@code retry_exponential_backoff}, {@code max_retry_delay}) users expect.
 *
 * @param maxAttempts how many times the step runs at most, the first attempt included (1: no retry)
 * @param delayMillis the wait after the first failed attempt
 * @param backoff how the wait grows from one attempt to the next
 * @param maxDelayMillis the longest wait (exponential backoff), or null for no cap of its own
 * @param on the regexes one of which must be found in the error message for another attempt (empty: any error)
 */
public record RetryPolicy(int maxAttempts, long delayMillis, Backoff backoff, Long maxDelayMillis, List<OnPattern> on) {

    /** The bound of max_attempts: beyond it a retry is a polling loop, better written with a goto and a sleep. */
    public static final int MAX_ATTEMPTS = 1000;
    /** The longest wait there is: the bound of every count of seconds of the format. */
    private static final long LONGEST_MILLIS = Key.MAX_SECONDS * 1000;

    public enum Backoff {
        /** every wait is delay_seconds */
        CONSTANT,
        /** the wait after attempt n is delay_seconds * 2^(n-1), at most max_delay_seconds */
        EXPONENTIAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One regex of {@code on}: its source as written, compiled the way {@code ignore_errors} regexes are. */
    public record OnPattern(String source, Pattern pattern) {
    }

    /** The {@code retry} key of a step and the keys of its block (a misspelt one is an error: it drops a limit). */
    public static final Key KEY = Key.optional("retry", Kind.MAPPING,
            "Octoflow addition: runs the step again when it fails, before ignore_errors and on_error_goto see its"
                    + " error. Each attempt is a step record of the history (attempt 1, 2...).")
            .with(Key.required("max_attempts", Kind.INTEGER, "How many times the step runs at most, the first"
                            + " attempt included (1: no retry).").range(1, MAX_ATTEMPTS),
                    Key.optional("delay_seconds", Kind.NUMBER, 0, "Wait after a failed attempt, in seconds"
                            + " (fractions allowed); the run's timeout and an abort end the wait."),
                    Key.oneOf("backoff", "constant", List.of("constant", "exponential"), "constant: every wait is"
                            + " delay_seconds; exponential: the wait after attempt n is delay_seconds * 2^(n-1)."),
                    Key.optional("max_delay_seconds", Kind.NUMBER, "The longest wait of an exponential backoff."),
                    Key.optional("on", Kind.STRING_LIST, "Regexes (Python syntax, as ignore_errors) searched in the"
                            + " step's error message: only an error one of them is found in is retried; default:"
                            + " every error."))
            .strict();

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be at least 1, not " + maxAttempts);
        }
        on = List.copyOf(on);
    }

    /** How long to wait after attempt {@code failed} (1 for the first) before the next one, in milliseconds. */
    public long delayAfter(int failed) {
        double millis = backoff == Backoff.EXPONENTIAL
                ? delayMillis * Math.scalb(1.0, Math.max(0, failed - 1)) : delayMillis;
        long cap = maxDelayMillis != null ? maxDelayMillis : LONGEST_MILLIS;
        return millis >= cap ? cap : (long) millis;
    }

    /** Whether an error with this message is worth another attempt: no {@code on}, or one of its regexes is in it. */
    public boolean retries(String message) {
        if (on.isEmpty()) {
            return true;
        }
        String text = message == null ? "" : message;
        return on.stream().anyMatch(p -> p.pattern().matcher(text).find());
    }

    /**
     * Compiles a step's {@code retry} block, whose keys the {@link KeyChecker} already checked against {@link #KEY}:
     * a value that does not fit was reported there and is read as its default here. Returns null when the block
     * itself is not a mapping, or has no valid max_attempts (the flow is invalid anyway).
     */
    static RetryPolicy compile(YNode block, FileProblems problems) {
        if (block == null || !block.isMapping()) {
            return null;
        }
        Long attempts = fitting(block, "max_attempts") instanceof Long value ? value : null;
        Number delay = fitting(block, "delay_seconds") instanceof Number value ? value : 0;
        Number maxDelay = fitting(block, "max_delay_seconds") instanceof Number value ? value : null;
        Backoff backoff = fitting(block, "backoff") instanceof String value
                ? Backoff.valueOf(value.toUpperCase(Locale.ROOT)) : Backoff.CONSTANT;
        if (maxDelay != null && maxDelay.doubleValue() < delay.doubleValue()) {
            problems.error(block.get("max_delay_seconds"), "retry.max_delay_seconds: expected at least delay_seconds ("
                    + delay + "), found " + maxDelay);
        } else if (maxDelay != null && backoff == Backoff.CONSTANT) {
            problems.warning(block.get("max_delay_seconds"), "retry.max_delay_seconds: no effect with backoff:"
                    + " constant (every wait is delay_seconds); did you mean backoff: exponential?");
        }
        List<OnPattern> on = new ArrayList<>();
        YNode onNode = block.get("on");
        if (onNode != null && onNode.isSequence() && onNode.items().isEmpty()) {
            problems.error(onNode, "retry.on: expected at least one regex (leave 'on' out to retry every error)");
        } else if (onNode != null && fitting(block, "on") != null) {
            for (YNode item : onNode.isSequence() ? onNode.items() : List.of(onNode)) {
                try {
                    on.add(new OnPattern(item.text(), PythonRegex.compile(item.text())));
                } catch (PatternSyntaxException e) {
                    problems.error(item, "retry.on: invalid regex '" + item.text() + "': " + PythonRegex.describe(e));
                }
            }
        }
        if (attempts == null) {
            return null;
        }
        return new RetryPolicy(attempts.intValue(), millis(delay), backoff, maxDelay == null ? null : millis(maxDelay),
                on);
    }

    /** The value of a key of the block when it fits its declaration, else null. */
    private static Object fitting(YNode block, String name) {
        YNode value = block.get(name);
        Key key = KEY.keys().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
        return value == null || value.isNull() || key.check(value) != null ? null
                : value.isScalar() ? value.scalar() : value;
    }

    private static long millis(Number seconds) {
        return Math.round(seconds.doubleValue() * 1000);
    }
}
