package io.octoflow.cli;

import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.client.ServiceException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code octoflow run-flow NAME [--data JSON|@file] [--wait]}: launches a deployed flow on a running service (its
 * lock, history and metrics, unlike {@code launch} which runs the file in this process).
 */
@Command(name = "run-flow", mixinStandardHelpOptions = true,
        description = "Launches a flow on a running service (POST /api/flows/launch) and prints the execution id;"
                + " with --wait, waits for the run to end and prints its final data as JSON (table output: the data"
                + " on stdout, a summary line on stderr).%nExit code: 0 launched (--wait: ended success or exit),"
                + " 1 the run failed, timed out or was aborted. " + ClientOptions.EXIT_CODES)
public final class RunFlowCommand implements Callable<Integer> {

    static final int RUN_FAILED = 1;
    private static final Set<String> OK = Set.of("success", "exit");

    @Mixin
    ClientOptions options;

    @Parameters(index = "0", paramLabel = "FLOW",
            description = "A deployed flow: its path under the service's FLOWS_PATH, or a name only one flow has.")
    String flow;

    @Option(names = "--data", paramLabel = "JSON|@file",
            description = "Input: a JSON value, inline or read from a file; the flow's __input__.")
    String data;

    @Option(names = "--wait", description = "Wait for the run to end; the exit code says how it ended.")
    boolean wait;

    @Override
    public Integer call() {
        JsonNode input;
        try {
            Object parsed = LaunchCommand.parseData(data);
            input = parsed == null ? null : new ObjectMapper().valueToTree(parsed);
        } catch (IllegalArgumentException e) {
            System.err.println("octoflow: --data: " + e.getMessage());
            return ServiceException.Kind.REFUSED.exitCode();
        }
        JsonNode answer;
        try {
            answer = options.client().launch(flow, input, wait);
        } catch (ServiceException e) {
            return ClientOptions.failed(e);
        }
        String status = answer.path("status").asText();
        boolean ok = !wait || OK.contains(status);
        if (options.json()) {
            ClientOptions.printJson(answer, System.out);
        } else if (wait) {
            ClientOptions.printJson(answer.path("data"), System.out);
            System.err.println("flow '" + answer.path("flow").asText() + "' " + status + " in "
                    + answer.path("duration_ms").asText() + " ms (execution " + answer.path("execution_id").asText()
                    + ")" + (answer.hasNonNull("error") ? ": " + answer.get("error").asText() : "")
                    + (answer.path("data_truncated").asBoolean() ? "; " + answer.path("message").asText() : ""));
        } else {
            new TextTable("EXECUTION", "FLOW", "PATH", "STATUS").row(answer.path("execution_id").asText(),
                    answer.path("flow").asText(), answer.path("path").asText(), status).print(System.out);
        }
        return ok ? 0 : RUN_FAILED;
    }
}
