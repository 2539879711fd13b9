package io.octoflow.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.octoflow.api.SpoolerSchemas.Job;
import io.octoflow.api.SpoolerSchemas.JobDeleted;
import io.octoflow.api.SpoolerSchemas.JobLaunched;
import io.octoflow.api.SpoolerSchemas.JobList;
import io.octoflow.api.SpoolerSchemas.JobRequest;
import io.octoflow.api.SpoolerSchemas.JobsDeleted;
import io.octoflow.api.SpoolerSchemas.LogLines;
import io.octoflow.api.SpoolerSchemas.ScheduleAdded;
import io.octoflow.api.SpoolerSchemas.SpoolerScheduleList;
import io.octoflow.api.SpoolerSchemas.SpoolerScheduleRequest;
import io.octoflow.api.SpoolerSchemas.StatusMessage;
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

        declare(rest("/api/v1").tag("Spooler").description("The spooler's API: jobs (runs), schedules and logs"));
        RestDefinition spec = rest("/static").tag("Spooler").description("The spooler API's description");
        RestOperation.of(spec.get("/swagger.json"), "getSpoolerSwagger", "Swagger 2.0 description of the spooler's /api/v1 (open)")
                .answer(200, "The Swagger 2.0 document (application/json)").to("direct:v1-swagger");

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

    /** The spooler's operations, typed for the OpenAPI document ({@link SpoolerSchemas}); errors {"error": ...}. */
    private static void declare(RestDefinition v1) {
        RestOperation.of(v1.get("/schedules"), "listSpoolerSchedules", "Schedules of flow files").secured()
                .answer(200, "{schedules: [...]}", SpoolerScheduleList.class).to("direct:v1-schedules");
        RestOperation.of(v1.post("/schedules"), "addSpoolerSchedule", "Schedule a flow file: {path, cron |"
                + " every_seconds, timeout_seconds?}").secured()
                .body(SpoolerScheduleRequest.class, "The flow file's path in FLOWS_PATH and its schedule")
                .answer(201, "Scheduled", ScheduleAdded.class)
                .error(400, "A field is missing or malformed, or the flow file does not validate")
                .error(404, "No such flow file").error(409, "The flow file is already scheduled")
                .to("direct:v1-schedules-add");
        RestOperation.of(v1.delete("/schedules/{schedule_id}"), "removeSpoolerSchedule", "Remove a schedule")
                .secured().path("schedule_id", "The schedule's id")
                .answer(200, "Removed", StatusMessage.class).error(404, "No schedule with that id")
                .to("direct:v1-schedules-delete");
        RestOperation.of(v1.post("/jobs"), "launchJob", "Launch a flow file: {path, data?, timeout_seconds?};"
                + " answers at once").secured()
                .body(JobRequest.class, "The flow file's path in FLOWS_PATH, the run's input data and timeout")
                .answer(202, "Launched", JobLaunched.class)
                .error(400, "A field is missing or malformed, or the flow file does not validate")
                .error(404, "No such flow file").error(409, "A job of this flow is running")
                .error(503, "No room to run it now").to("direct:v1-jobs-launch");
        RestOperation.of(v1.get("/jobs"), "listJobs", "Jobs, newest first").secured()
                .query("limit", "integer", "At most this many jobs (default 50)")
                .query("offset", "integer", "Skip this many jobs (default 0)")
                .query("state", "string", "Only jobs in this state (pending, running, done...)")
                .query("status", "string", "Only jobs with this status (success, failure...)")
                .query("start_time_from", "string", "Started at or after (ISO 8601)")
                .query("start_time_to", "string", "Started at or before (ISO 8601)")
                .query("end_time_from", "string", "Ended at or after (ISO 8601)")
                .query("end_time_to", "string", "Ended at or before (ISO 8601)")
                .answer(200, "A page of jobs", JobList.class).error(400, "A filter is malformed")
                .to("direct:v1-jobs");
        RestOperation.of(v1.get("/jobs/{job_id}"), "getJob", "One job with its result and errors").secured()
                .path("job_id", "The job's id")
                .answer(200, "The job", Job.class).error(404, "Job not found").to("direct:v1-job");
        RestOperation.of(v1.delete("/jobs"), "deleteJobs", "Delete ended jobs matching every filter given")
                .secured()
                .query("older_than_days", "integer", "Only jobs started more than this many days ago")
                .query("status", "string", "Only jobs with this status")
                .query("state", "string", "Only jobs in this state")
                .answer(200, "How many jobs were deleted", JobsDeleted.class).error(400, "A filter is malformed")
                .to("direct:v1-jobs-delete");
        RestOperation.of(v1.delete("/jobs/{job_id}"), "deleteJob", "Delete one ended job").secured()
                .path("job_id", "The job's id")
                .answer(200, "Deleted", JobDeleted.class).error(404, "Job not found")
                .error(409, "The job is running").to("direct:v1-job-delete");
        RestOperation.of(v1.get("/logs"), "getServiceLog", "The last lines of the service log").secured()
                .query("lines", "integer", "How many lines (default 100)")
                .answer(200, "The lines", LogLines.class).error(400, "lines is not a positive whole number")
                .error(404, "No log file").to("direct:v1-logs");
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
