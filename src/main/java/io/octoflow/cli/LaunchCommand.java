package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.Trigger;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.flow.Problem;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.launch.ExecutionRecorder;
import io.octoflow.launch.Launcher;
import io.octoflow.logging.ServiceLogs;
import io.octoflow.metrics.FlowMetrics;
import io.octoflow.route.OctoflowCamelContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code octoflow launch FLOW [--data JSON|@file]}: runs a flow once and prints its final data as JSON. FLOW is a
 * path, or a name that only one file of FLOWS_PATH has.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Runs one flow once, in-process, and prints the final flow data as JSON on stdout (logs on"
                + " stderr). It takes the flow's lock and is recorded (trigger cli) in the history of DATA_PATH"
                + " (or DB_URL), as the service's runs are; it says so when it cannot be recorded.%n"
                + "Exit code: 0 success or exit, 1 failed or timeout, 2 invalid flow or setting, 3 the flow is"
                + " running (locked).")
public final class LaunchCommand implements Callable<Integer> {

    static final int INVALID = 2;
    /** The flow is running (its lock is held, by the service or another launch): not launched. */
    static final int LOCKED = 3;

    @Parameters(index = "0", paramLabel = "FLOW", description = "The flow file (a path, or relative to FLOWS_PATH), or the name of one flow of FLOWS_PATH.")
    String flow;

    @Option(names = "--data", paramLabel = "JSON|@file",
            description = "Input: a JSON value, the flow's __input__ (as the spooler's launch payload; not merged"
                    + " into the flow data).")
    String data;

    @Override
    public Integer call() throws Exception {
        OctoflowConfig config = OctoflowConfig.fromEnvironment();
        FlowFiles.applyLimits(config);
        Path file;
        try {
            file = FlowFiles.locate(flow, config);
        } catch (IllegalArgumentException ambiguous) {
            System.err.println(ambiguous.getMessage());
            return INVALID;
        }
        if (file == null) {
            System.err.println(flow + ": no such flow file (looked in the current directory and in FLOWS_PATH "
                    + config.flowsPath() + ")");
            return INVALID;
        }
        Object input;
        try {
            input = parseData(data);
        } catch (IllegalArgumentException e) {
            System.err.println("--data: " + e.getMessage());
            return INVALID;
        }
        try (FlowEngine engine = new FlowEngine(config, new OctoflowCamelContext(), new KubernetesAccess(config));
                ServiceLogs logs = ServiceLogs.forCommand(config, engine.masker())) {
            FlowDefinition definition;
            try {
                definition = engine.load(file);
            } catch (InvalidFlowException e) {
                e.problems().stream().map(Problem::toString).forEach(System.err::println);
                return INVALID;
            }
            try (LaunchStores stores = LaunchStores.open(config)) {
                if (!stores.recorded()) {
                    System.err.println("octoflow: " + stores.note());
                }
                return launch(engine, stores, definition, input, config);
            }
        }
    }

    /** Through the launch path the service uses: its lock, its history row (trigger cli), its timeout. */
    private static int launch(FlowEngine engine, LaunchStores stores, FlowDefinition definition, Object input,
            OctoflowConfig config) throws Exception {
        ExecutionRecorder recorder = new ExecutionRecorder(stores.history(config), engine.masker(),
                new FlowMetrics(new SimpleMeterRegistry()), stores.owner());
        Launcher launcher = new Launcher(engine, stores.locks(), recorder, 2, config.queueMaxWaiting());
        engine.camelContext().addRoutes(launcher);
        // callerWaits: the end printed below is durable in the shared history before it is printed
        Launcher.Launch launch = launcher.launch(definition, input, Trigger.CLI, null, null, true);
        if (!launch.admitted()) {
            String holder = stores.locks().get(definition.id()).map(lock -> ": locked by pid " + lock.pid()
                    + (lock.host() != null ? " on " + lock.host() : "") + " since " + lock.since()
                    + (lock.execution() != null ? " (execution " + lock.execution() + ")" : "")).orElse("");
            System.err.println("octoflow: " + launch.refusal() + holder + "; not launched");
            return launch.refusedBecause() == Launcher.Refusal.Kind.LOCKED ? LOCKED : 1;
        }
        RunResult result = launch.done().get();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(json.writeValueAsString(result.data()));
        System.err.println("flow '" + result.flowName() + "' " + result.status().label() + " in "
                + result.durationMillis() + " ms (execution " + result.executionId() + ", "
                + (stores.recorded() ? stores.note() : "not recorded") + ")"
                + (result.error() != null ? ": " + result.error() : ""));
        return result.status().ok() ? 0 : 1;
    }

    static Object parseData(String data) {
        if (data == null || data.isBlank()) {
            return null;
        }
        String text = data;
        if (data.startsWith("@")) {
            try {
                text = Files.readString(Path.of(data.substring(1)));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + data.substring(1) + ": " + e.getMessage());
            }
        }
        try {
            return new ObjectMapper().readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }
}
