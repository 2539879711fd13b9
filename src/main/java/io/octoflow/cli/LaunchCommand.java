package io.octoflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.octoflow.config.OctoflowConfig;
import io.octoflow.engine.FlowEngine;
import io.octoflow.execution.RunResult;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.InvalidFlowException;
import io.octoflow.flow.Problem;
import io.octoflow.kubernetes.client.KubernetesAccess;
import io.octoflow.route.OctoflowCamelContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code octoflow launch FLOW [--data JSON|@file]}: runs a flow once and prints its final data as JSON. FLOW is a
 * path, or a name that only one file of FLOWS_PATH has.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Runs one flow once, in-process, and prints the final flow data as JSON on stdout.%n"
                + "Exit code: 0 success or exit, 1 failed or timeout, 2 invalid flow.")
public final class LaunchCommand implements Callable<Integer> {

    static final int INVALID = 2;

    @Parameters(index = "0", paramLabel = "FLOW", description = "The flow file (a path, or relative to FLOWS_PATH), or the name of one flow of FLOWS_PATH.")
    String flow;

    @Option(names = "--data", paramLabel = "JSON|@file",
            description = "Input: a JSON value, the flow's __input__ (as the spooler's launch payload; not merged"
                    + " into the flow data).")
    String data;

    @Override
    public Integer call() throws IOException {
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
        try (FlowEngine engine = new FlowEngine(config, new OctoflowCamelContext(), new KubernetesAccess(config))) {
            FlowDefinition definition;
            try {
                definition = engine.load(file);
            } catch (InvalidFlowException e) {
                e.problems().stream().map(Problem::toString).forEach(System.err::println);
                return INVALID;
            }
            RunResult result = engine.run(definition, input, Map.of());
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            System.out.println(json.writeValueAsString(result.data()));
            System.err.println("flow '" + result.flowName() + "' " + result.status().label() + " in "
                    + result.durationMillis() + " ms (execution " + result.executionId() + ")"
                    + (result.error() != null ? ": " + result.error() : ""));
            return result.status().ok() ? 0 : 1;
        }
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
