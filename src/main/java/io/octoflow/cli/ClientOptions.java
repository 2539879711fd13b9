package io.octoflow.cli;

import java.io.PrintStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.octoflow.client.ClientSettings;
import io.octoflow.client.OctoflowClient;
import io.octoflow.client.ServiceException;
import io.octoflow.config.OctoflowConfig;

import picocli.CommandLine.Option;

/** The options of the commands that talk to a running service: where it is, its token, and how to print. */
final class ClientOptions {

    /** How answers are printed: aligned columns for people, the API's JSON for programs. */
    enum Output {
        table, json
    }

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--url", paramLabel = "URL",
            description = "The service's address (default: API_URL, else http://localhost:API_PORT).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The API token (default: API_TOKEN, else the DATA_PATH/api-token file the service wrote).")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (aligned columns, the default) or json (the API's JSON, on stdout only).")
    Output output;

    OctoflowClient client() {
        return new OctoflowClient(ClientSettings.resolve(OctoflowConfig.fromEnvironment(), url, token));
    }

    boolean json() {
        return output == Output.json;
    }

    static void printJson(JsonNode node, PrintStream out) {
        try {
            out.println(PRETTY.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line on stderr, the exit code of its kind. */
    static int failed(ServiceException e) {
        System.err.println("octoflow: " + e.getMessage());
        return e.kind().exitCode();
    }

    static final String EXIT_CODES = "Exit code: 2 the service refused the request (its error is printed),"
            + " 3 the service cannot be reached, 4 the API token is missing or wrong.";
}
