package io.octoflow.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.client.ServiceException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code octoflow runs}: a running service's execution history, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "Lists the runs of a running service, newest first (GET /api/executions).%n"
                + "Exit code: 0 listed. " + ClientOptions.EXIT_CODES)
public final class RunsCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Option(names = "--flow", paramLabel = "FLOW", description = "Runs of this flow only (a path, or a name).")
    String flow;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "Runs with this status only: queued, running, success, failed, exit, skipped, timeout,"
                    + " aborted.")
    String status;

    @Option(names = "--limit", paramLabel = "N", description = "At most N runs (the service's default: 50, at most 1000).")
    Integer limit;

    @Override
    public Integer call() {
        JsonNode runs;
        try {
            runs = options.client().executions(flow, status, limit);
        } catch (ServiceException e) {
            return ClientOptions.failed(e);
        }
        if (options.json()) {
            ClientOptions.printJson(runs, System.out);
            return 0;
        }
        TextTable table = new TextTable("ID", "FLOW", "STATUS", "TRIGGER", "STARTED", "DURATION", "ERROR");
        for (JsonNode run : runs) {
            table.row(run.path("id").asText(), run.path("flow").asText(), run.path("status").asText(),
                    run.path("trigger").asText(null), run.path("started_at").asText(null),
                    run.hasNonNull("duration_ms") ? run.get("duration_ms").asLong() + " ms" : null,
                    run.path("error").asText(null));
        }
        table.print(System.out);
        return 0;
    }
}
