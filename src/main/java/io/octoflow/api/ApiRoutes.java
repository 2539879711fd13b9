package io.octoflow.api;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.octoflow.operations.FlowOperations;

/**
 * The REST API (Camel REST DSL on platform-http): its operations, each answered by the class of its feature
 * ({@link FlowsApi}, {@link SchedulesApi}, {@link LaunchApi}, {@link LocksApi}, {@link ExecutionsApi},
 * {@link LogsApi}, {@link ValidateApi}; rego's {@link RegoTaskApi}). Every {@code /api/*} operation wants
 * {@code Authorization: Bearer <token>} (compared in constant time); only the API description
 * ({@code /api/openapi.json}) and its browsable page ({@code /api/docs}), which hold no data, are open.
 */
public final class ApiRoutes extends RouteBuilder {

    private final ApiDependencies dependencies;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ApiRoutes(ApiDependencies dependencies) {
        this.dependencies = dependencies;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off)
                .apiContextPath("/api/openapi.json")
                .apiProperty("api.title", "Octoflow API")
                .apiProperty("api.version", "1")
                .apiProperty("api.description", "Flows, schedules, locks and executions. Every operation needs"
                        + " 'Authorization: Bearer <token>' (the token is API_TOKEN or the file DATA_PATH/api-token).");

        rest("/api").description("Octoflow")
                .get("/flows").description("Scheduled flows, deployed flows (by path), and flow files that do not"
                        + " validate")
                    .to("direct:api-flows")
                .post("/flows/add").description("Schedule a flow: {path, cron?, every_seconds?, timeout_seconds?}")
                    .to("direct:api-flows-add")
                .delete("/flows/{id}").description("Remove a schedule").to("direct:api-flows-delete")
                .post("/flows/{id}/pause").description("Pause a flow's schedules ({id}: a schedule id, a flow"
                        + " path with '/' as %2F, or a name only one flow has); it can still be launched")
                    .to("direct:api-flows-pause")
                .post("/flows/{id}/resume").description("Resume a flow's schedules").to("direct:api-flows-resume")
                .post("/flows/launch").description("Launch a flow: {path | flow, data?, timeout_seconds?} (flow: a"
                        + " name only one flow has); 202 once its row is written (running, or queued for a"
                        + " concurrency: queue flow); 409 locked; 503 at LAUNCH_MAX_THREADS or QUEUE_MAX_WAITING, or"
                        + " when it could not start; ?wait=true answers when the run ends").to("direct:api-launch")
                .get("/locks").description("Flows running now (their locks)").to("direct:api-locks")
                .delete("/locks/{flow_name}").description("Remove one flow's lock ({flow_name}: its path with '/' as"
                        + " %2F, or a name only one flow has)").to("direct:api-lock-delete")
                .delete("/locks").description("Remove every lock").to("direct:api-locks-delete")
                .get("/executions").description("Runs, newest first; filters path, flow (a deployed flow's path,"
                        + " else a name: all flows with it), status, from, to; limit, offset")
                    .to("direct:api-executions")
                .get("/executions/{id}").description("One run with its steps").to("direct:api-execution")
                .delete("/executions").description("Delete runs: older_than_days, status")
                    .to("direct:api-executions-delete")
                .post("/executions/{id}/abort").description("Abort a running execution, or a queued one (out of"
                        + " its queue, recorded aborted)").to("direct:api-abort")
                .get("/logs").description("The log files of LOG_PATH").to("direct:api-logs")
                .get("/logs/{file}").description("One log file; ?tail=N for its last N lines")
                    .to("direct:api-log-file")
                .post("/validate").description("Validate flow YAML; answers the problems with their lines")
                    .to("direct:api-validate")
                .get("/docs").description("Browsable API documentation").to("direct:api-docs")
                .get("/docs/{file}").description("Documentation assets").to("direct:api-docs-file");

        FlowOperations operations = dependencies.operations();
        ApiViews views = new ApiViews(operations, dependencies.timezone(), dependencies.flowsPath(), json);
        FlowsApi flows = new FlowsApi(operations, views);
        SchedulesApi schedules = new SchedulesApi(operations, views);
        LaunchApi launch = new LaunchApi(operations, views, dependencies.limits().maxResultBytes());
        LocksApi locks = new LocksApi(operations, views);
        ExecutionsApi executions = new ExecutionsApi(operations, views, dependencies.timezone());
        LogsApi logs = new LogsApi(dependencies.logPath(), views);
        ValidateApi validate = new ValidateApi(dependencies.validator());
        ApiDocs docs = new ApiDocs();

        SecuredRoutes secured = new SecuredRoutes(this, ApiAuthorization.bearer(dependencies.token()), json,
                dependencies.masker());
        secured.add("api-flows", flows::list);
        secured.add("api-flows-add", schedules::add);
        secured.add("api-flows-delete", schedules::delete);
        secured.add("api-flows-pause", e -> flows.pauseOrResume(e, true));
        secured.add("api-flows-resume", e -> flows.pauseOrResume(e, false));
        secured.add("api-logs", logs::list);
        secured.add("api-log-file", logs::file);
        secured.add("api-launch", launch::launch);
        secured.add("api-locks", locks::list);
        secured.add("api-lock-delete", locks::delete);
        secured.add("api-locks-delete", locks::deleteAll);
        secured.add("api-executions", executions::list);
        secured.add("api-execution", executions::get);
        secured.add("api-executions-delete", executions::delete);
        secured.add("api-abort", executions::abort);
        secured.add("api-validate", validate::validate);
        new RegoTaskApi(dependencies.tasks(), dependencies.timezone(), json).configure(secured);
        from("direct:api-docs").routeId("api-docs").process(docs::page);
        from("direct:api-docs-file").routeId("api-docs-file").process(docs::file);
    }
}
