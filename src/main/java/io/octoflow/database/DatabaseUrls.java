package io.octoflow.database;

import java.nio.file.Path;
import java.util.Locale;

/** The JDBC URLs Octoflow opens: the default embedded H2 file, its defaults, and a form safe for log lines. */
public final class DatabaseUrls {

    /**
     * How long a commit to an embedded H2 file may wait before it is written to the file (H2's default is 500 ms).
     * A process killed with {@code kill -9} loses the commits of its last few milliseconds instead of its last half
     * second: a run that started earlier is found {@code running} and marked aborted at the next start. Writing
     * every commit ({@code ;WRITE_DELAY=0} in the URL) closes that gap at 2 to 5 times the cost per run.
     */
    public static final int H2_WRITE_DELAY_MS = 10;

    private DatabaseUrls() {
    }

    /** Whether {@code url} is an embedded H2 database in a file (not in memory, not a server). */
    public static boolean isEmbeddedH2File(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:mem:") && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:");
    }

    /** The default embedded database: {@code jdbc:h2:file:<dataPath>/octoflow}. */
    public static String h2(Path dataPath) {
        return "jdbc:h2:file:" + dataPath.toAbsolutePath().normalize().resolve("octoflow");
    }

    static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    /** An H2 database in this JVM (a file or in memory), not one behind an H2 server. */
    static boolean isEmbeddedH2(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:");
    }

    /**
     * Defaults for an embedded H2 URL (not a {@code tcp:}/{@code ssl:} server URL), each added only when the URL
     * does not set it: {@code DB_CLOSE_ON_EXIT=FALSE} (the database closes in {@link Database#close()}, not in H2's
     * own shutdown hook, which would close it under the service while it still records the runs it aborts on
     * SIGTERM) and, for a file database, {@code WRITE_DELAY=}{@value #H2_WRITE_DELAY_MS}.
     */
    public static String withEmbeddedH2Defaults(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!isEmbeddedH2(url)) {
            return url;
        }
        StringBuilder b = new StringBuilder(url);
        if (!lower.contains(";db_close_on_exit=")) {
            b.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (!lower.startsWith("jdbc:h2:mem:") && !lower.contains(";write_delay=")) {
            b.append(";WRITE_DELAY=").append(H2_WRITE_DELAY_MS);
        }
        return b.toString();
    }

    /** The file of an embedded H2 URL ({@code jdbc:h2:file:/data/octoflow;...} → {@code /data/octoflow.mv.db}). */
    public static String h2File(String url) {
        String path = url.replaceFirst("(?i)^jdbc:h2:(file:)?", "");
        int settings = path.indexOf(';');
        return (settings >= 0 ? path.substring(0, settings) : path) + ".mv.db";
    }

    /** The URL without any password it carries, for log lines. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***");
    }
}
