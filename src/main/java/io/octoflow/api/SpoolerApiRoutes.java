package io.octoflow.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.execution.ErrorText;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.operations.FlowOperations;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.service.Deployment;

/**
 * The spooler's REST API ({@code /api/v1/jobs}, {@code /api/v1/schedules}, {@code /api/v1/logs}) beside Octoflow's
 * own, with the spooler's paths, fields, status codes and {@code {"error": ...}} bodies, so that a spooler client
 * works unchanged; and its API description at {@code /static/swagger.json}. The same Bearer token as Octoflow's
 * API; a request without it gets the spooler's {@code 401 {"error": "Unauthorized"}}.
 */
public final class SpoolerApiRoutes extends RouteBuilder {

    static final String SWAGGER_RESOURCE = "spooler-api/swagger.json";

    private final ApiDependencies dependencies;
    private final ObjectMapper json = new ObjectMapper();

    public SpoolerApiRoutes(ApiDependencies dependencies) {
        this.dependencies = dependencies;
    }

    @Override
    public void configure() {
        FlowOperations operations = dependencies.operations();
        SpoolerJobsApi jobs = new SpoolerJobsApi(operations, dependencies.timezone(), json, this);
        SpoolerSchedulesApi schedules = new SpoolerSchedulesApi(operations, json, this);
        SpoolerLogsApi logs = new SpoolerLogsApi(dependencies.logPath());
        SecuredRoutes secured = new SecuredRoutes(this, ApiAuthorization.spooler(dependencies.token()), json,
                dependencies.masker());

        rest("/api/v1").description("The spooler's API: jobs (runs), schedules and logs")
                .get("/schedules").description("Schedules of flow files: {schedules: [...]}")
                    .to("direct:v1-schedules")
                .post("/schedules").description("Schedule a flow file: {path, cron | every_seconds,"
                        + " timeout_seconds?}").to("direct:v1-schedules-add")
                .delete("/schedules/{schedule_id}").description("Remove a schedule").to("direct:v1-schedules-delete")
                .post("/jobs").description("Launch a flow file: {path, data?, timeout_seconds?}; answers 202"
                        + " {job_id} at once").to("direct:v1-jobs-launch")
                .get("/jobs").description("Jobs, newest first: limit, offset, state, status, start_time_from/to,"
                        + " end_time_from/to").to("direct:v1-jobs")
                .get("/jobs/{job_id}").description("One job with its result and errors").to("direct:v1-job")
                .delete("/jobs").description("Delete ended jobs: older_than_days, status, state")
                    .to("direct:v1-jobs-delete")
                .delete("/jobs/{job_id}").description("Delete one ended job").to("direct:v1-job-delete")
                .get("/logs").description("The last lines of the service log: lines (100)").to("direct:v1-logs");
        rest("/static").description("The spooler API's description")
                .get("/swagger.json").description("Swagger 2.0 description of /api/v1").to("direct:v1-swagger");

        secured.add("v1-schedules", schedules::list);
        secured.add("v1-schedules-add", schedules::add);
        secured.add("v1-schedules-delete", schedules::delete);
        secured.add("v1-jobs-launch", jobs::launch);
        secured.add("v1-jobs", jobs::list);
        secured.add("v1-job", jobs::get);
        secured.add("v1-jobs-delete", jobs::deleteMatching);
        secured.add("v1-job-delete", jobs::delete);
        secured.add("v1-logs", logs::tail);
        from("direct:v1-swagger").routeId("v1-swagger").process(this::swagger).id("v1-swagger:serve");
    }

    /** Open, as on the spooler: the description holds no data. */
    private void swagger(Exchange exchange) throws IOException {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(SWAGGER_RESOURCE)) {
            if (in == null) {
                throw new IOException(SWAGGER_RESOURCE + " is missing from the class path");
            }
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(in.readAllBytes());
        }
    }

    /**
     * The valid flow of the file at {@code path} (relative to FLOWS_PATH), looked up by path, never by name:
     * 404 when there is no such flow file, 400 when the path leaves FLOWS_PATH or the file does not validate.
     */
    FlowDefinition flowAt(String path) {
        Deployment deployment;
        try {
            deployment = dependencies.operations().deployment(path).orElse(null);
        } catch (ConfinedPaths.PathOutsideRootException | java.nio.file.InvalidPathException e) {
            throw new ApiException(400, "path: " + e.getMessage());
        }
        if (deployment == null) {
            throw new ApiException(404, "Flow file " + path + " not found in FLOWS_PATH ("
                    + dependencies.flowsPath() + ")");
        }
        if (deployment.flow() == null) {
            if (deployment.problems().isEmpty()) {
                throw new ApiException(400, "path: " + path + " holds Camel routes, not a flow");
            }
            Problem first = deployment.problems().get(0);
            throw new ApiException(400, "Flow file " + path + " does not validate: " + first.file() + ", line "
                    + first.line() + ": " + first.message(), problems(deployment.problems()));
        }
        return deployment.flow();
    }

    private static List<Map<String, Object>> problems(List<Problem> problems) {
        return problems.stream().map(p -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("file", p.file());
            view.put("line", p.line());
            view.put("column", p.column());
            view.put("message", p.message());
            return view;
        }).toList();
    }
}
