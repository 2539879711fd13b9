package io.octoflow.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.app.OctoflowService;

import picocli.CommandLine.Command;

/** {@code octoflow run}: the service, until SIGTERM or Ctrl-C (then a graceful stop, up to 30 s). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Starts the service: loads and watches FLOWS_PATH, runs the schedules, serves the REST API"
                + " on API_PORT. Stops gracefully on SIGTERM / Ctrl-C.")
public final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        OctoflowService service = new OctoflowService(OctoflowConfig.fromEnvironment());
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C run shutdown hooks: stop triggers, let runs finish, record the rest as aborted
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "octoflow-shutdown"));
        try {
            service.start();
        } catch (Exception e) {
            System.err.println("octoflow: cannot start: " + e.getMessage());
            service.close();
            return 1;
        }
        stopped.await();
        return 0;
    }
}
