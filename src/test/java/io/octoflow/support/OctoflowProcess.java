package io.octoflow.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * {@code octoflow <args>} in its own JVM (the test's class path, main class {@code io.octoflow.Octoflow}), configured
 * through its environment as a user would, stdout and stderr kept apart in files: for what only a real process
 * shows (exit codes, signals, what goes to which stream, locks and files held by another process).
 */
public final class OctoflowProcess implements AutoCloseable {

    /** C1 only and one GC thread: a JVM that starts sooner on a busy machine. */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private OctoflowProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code octoflow args...} in {@code workDir}, with the test JVM's environment minus Octoflow's settings
     * and the proxy variables, plus {@code env}; its output goes to files in {@code logs}.
     */
    public static OctoflowProcess start(Path workDir, Path logs, Map<String, String> env, String... args) {
        return launch(List.of(), QUICK_START, workDir, logs, env, args);
    }

    /**
     * As {@link #start}, with these options for the JVM instead of the quick-start ones ({@code -Xmx512m} for one of
     * several replicas, say).
     */
    public static OctoflowProcess start(List<String> jvmOptions, Path workDir, Path logs, Map<String, String> env,
            String... args) {
        return launch(List.of(), jvmOptions, workDir, logs, env, args);
    }

    /**
     * As {@link #start}, as a terminal's foreground command: SIGINT at its default action in the child even when
     * this JVM got it ignored (a background job of a non-interactive shell does, and the JVM then leaves it ignored),
     * so that {@link #interrupt()} is Ctrl-C. Perl (Debian's essential perl-base) resets it and execs the JVM, whose
     * pid stays the process's.
     */
    public static OctoflowProcess startInForeground(Path workDir, Path logs, Map<String, String> env,
            String... args) {
        return launch(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec: $!\""),
                QUICK_START, workDir, logs, env, args);
    }

    private static OctoflowProcess launch(List<String> prefix, List<String> jvmOptions, Path workDir, Path logs,
            Map<String, String> env, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.octoflow.Octoflow"));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logs);
            Path out = Files.createTempFile(logs, "stdout-", ".txt");
            Path err = Files.createTempFile(logs, "stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(name -> name.equals("OCTOFLOW_PROPERTIES")
                    || name.toLowerCase(Locale.ROOT).endsWith("_proxy") || name.startsWith("LOG_")
                    || name.endsWith("_PATH") || name.startsWith("API_") || name.startsWith("DB_"));
            builder.environment().putAll(env);
            return new OctoflowProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start octoflow " + String.join(" ", args), e);
        }
    }

    /** Waits for the process to end (at most 3 minutes: a busy machine starts JVMs slowly); its exit code. */
    public int exitCode() {
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("octoflow did not end within 3 minutes; stdout: " + stdout() + "\nstderr: "
                        + stderr());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Waits until stdout contains {@code text} (at most 3 minutes), failing early when the process ends. */
    public OctoflowProcess awaitStdout(String text) {
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive() && !stdout().contains(text)) {
                throw new AssertionError("octoflow ended (exit " + process.exitValue() + ") before printing '" + text
                        + "'; stdout: " + stdout() + "\nstderr: " + stderr());
            }
            return stdout().contains(text);
        });
        return this;
    }

    /** SIGTERM, as {@code kill}, {@code docker stop} and Kubernetes send. */
    public void terminate() {
        process.destroy();
    }

    /** SIGINT, as Ctrl-C in a terminal (see {@link #startInForeground}). */
    public void interrupt() {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -INT " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs; waits until the process is gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits up to {@code atMost} for the process to end; whether it did. */
    public boolean awaitEnd(Duration atMost) {
        try {
            return process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything it printed: stdout, then stderr. */
    public String output() {
        return stdout() + stderr();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
