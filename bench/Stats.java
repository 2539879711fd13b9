import java.util.Arrays;
import java.util.Locale;

/** Percentiles of a set of measurements (nanoseconds or milliseconds: the caller knows). */
final class Stats {

    private final double[] sorted;

    Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    static Stats ofNanos(long[] nanos) {
        double[] millis = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return new Stats(millis);
    }

    int count() {
        return sorted.length;
    }

    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    double median() {
        return percentile(50);
    }

    double mean() {
        return Arrays.stream(sorted).average().orElse(Double.NaN);
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /** "median 1.23 ms, p90 ..., p99 ..., max ..." */
    String describe(String unit) {
        return String.format(Locale.ROOT, "median %.3f %s, p90 %.3f, p99 %.3f, max %.3f, mean %.3f (n=%d)",
                median(), unit, percentile(90), percentile(99), max(), mean(), count());
    }

    static double median(double[] values) {
        return new Stats(values).median();
    }
}
