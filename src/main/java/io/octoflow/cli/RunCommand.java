package io.octoflow.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.octoflow.app.OctoflowService;
import io.octoflow.config.OctoflowConfig;

import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code octoflow run}: the service, until SIGTERM or Ctrl-C (then a graceful stop, up to 30 s, and exit code 0).
 * The two signals are handled here rather than left to the JVM, whose own handling ends the process with 143 or 130
 * whatever the stop did: a clean stop exits 0, as process managers and {@code docker stop} expect. A second signal
 * during the stop ends the process at once (128 + the signal).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Starts the service: loads and watches FLOWS_PATH, runs the schedules, serves the REST API"
                + " on API_PORT. Stops gracefully on SIGTERM / Ctrl-C (exit code 0).")
public final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        OctoflowService service = new OctoflowService(OctoflowConfig.fromEnvironment());
        CountDownLatch stopAsked = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            Signal.handle(signal, received -> {
                if (!stopping.compareAndSet(false, true)) {
                    Runtime.getRuntime().halt(128 + received.getNumber()); // asked twice: no more waiting
                }
                stopAsked.countDown();
            });
        }
        // any other way out of the JVM (SIGHUP, System.exit elsewhere) still stops the service first
        Thread hook = new Thread(service::close, "octoflow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.start();
        } catch (Exception e) {
            System.err.println("octoflow: cannot start: " + (e.getMessage() != null ? e.getMessage() : e));
            service.close();
            return 1;
        }
        stopAsked.await();
        service.close();
        return 0;
    }
}
