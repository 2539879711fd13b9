package io.octoflow.api;

import java.util.Arrays;
import java.util.Set;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.octoflow.api.ApiSchemas.Aborting;
import io.octoflow.api.ApiSchemas.ExecutionsDeleted;
import io.octoflow.api.ApiSchemas.FlowList;
import io.octoflow.api.ApiSchemas.Launch;
import io.octoflow.api.ApiSchemas.LaunchRequest;
import io.octoflow.api.ApiSchemas.Lock;
import io.octoflow.api.ApiSchemas.LocksRemoved;
import io.octoflow.api.ApiSchemas.LogFileList;
import io.octoflow.api.ApiSchemas.NewSchedule;
import io.octoflow.api.ApiSchemas.PauseState;
import io.octoflow.api.ApiSchemas.Schedule;
import io.octoflow.api.ApiSchemas.Stats;
import io.octoflow.api.ApiSchemas.Validation;
import io.octoflow.execution.Trigger;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.operations.FlowOperations;

/**
 * The REST API (Camel REST DSL on platform-http): its operations, each answered by the class of its feature
 * ({@link FlowsApi}, {@link SchedulesApi}, {@link LaunchApi}, {@link LocksApi}, {@link ExecutionsApi},
 * {@link LogsApi}, {@link ValidateApi}, {@link StatsApi}; rego's {@link RegoTaskApi}). Every {@code /api/*} operation
 * wants {@code Authorization: Bearer <token>} (compared in constant time), or the web console's session cookie
 * (with its CSRF token on changes: {@link ApiAuthorization}); only the API description
 * ({@code /api/openapi.json}) and its browsable page ({@code /api/docs}), which hold no data, are open. Each
 * operation is declared as a {@link RestOperation} (id, typed parameters, body, answers with their schemas, the
 * token), from which {@link OpenApiDocument} renders the OpenAPI 3.1 document.
 */
public final class ApiRoutes extends RouteBuilder {

    /**
     * The paths answered without a waiting worker thread ({@link AsyncAnswerEngine}), issue 17: the launch, and the
     * webhooks (a {@code respond: result} hook waits for its run).
     */
    static final Set<String> ASYNC_PATHS = Set.of("/api/flows/launch", "/hooks/{path}");
    private static final String FLOW_ID = "A schedule id, a flow path with '/' as %2F, or a name only one flow has";

    private final ApiDependencies dependencies;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ApiRoutes(ApiDependencies dependencies) {
        this.dependencies = dependencies;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);
        RestDefinition api = rest("/api").tag("Octoflow")
                .description("Octoflow: flows, schedules, locks, executions, logs");
        api.securityDefinitions().bearerToken(RestOperation.BEARER, "The API token: API_TOKEN, or the file"
                + " DATA_PATH/api-token", null).end();
        declare(api);
        declareHooks(rest("/hooks").tag("Webhooks").description("Flows with 'trigger: webhook'"));

        OpenApiDocument document = new OpenApiDocument("Octoflow API", "Flows, schedules, locks and executions."
                + " Every operation but the documentation needs 'Authorization: Bearer <token>' (the token is"
                + " API_TOKEN or the file DATA_PATH/api-token).").textBody("validateFlow", "application/yaml");
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

        SecuredRoutes secured = new SecuredRoutes(this, ApiAuthorization.bearer(dependencies.token(),
                dependencies.sessions()), json,
                dependencies.masker());
        secured.add("api-flows", flows::list);
        secured.add("api-flows-add", schedules::add);
        secured.add("api-flows-delete", schedules::delete);
        secured.add("api-flows-pause", e -> flows.pauseOrResume(e, true));
        secured.add("api-flows-resume", e -> flows.pauseOrResume(e, false));
        secured.add("api-logs", logs::list);
        secured.add("api-log-file", logs::file);
        secured.addAsync("api-launch", launch::launch);
        secured.add("api-locks", locks::list);
        secured.add("api-lock-delete", locks::delete);
        secured.add("api-locks-delete", locks::deleteAll);
        secured.add("api-executions", executions::list);
        secured.add("api-execution", executions::get);
        secured.add("api-executions-delete", executions::delete);
        secured.add("api-abort", executions::abort);
        secured.add("api-validate", validate::validate);
        secured.add("api-stats", new StatsApi(operations, json)::stats);
        new RegoTaskApi(dependencies.tasks(), dependencies.timezone(), json).configure(secured);
        from("direct:api-openapi").routeId("api-openapi").process(document::serve);
        from("direct:api-docs").routeId("api-docs").process(docs::page);
        from("direct:api-docs-file").routeId("api-docs-file").process(docs::file);
    }

    /**
     * {@code POST /hooks/<path>}: the flows with {@code trigger: webhook} (docs/TRIGGERS.md), answered by the webhook
     * source's route. Not behind the API token: a hook has its own secret, if any.
     */
    private static void declareHooks(RestDefinition hooks) {
        RestOperation.of(hooks.post("/{path}"), "postWebhook", "Run the flow whose 'trigger: webhook' has this path,"
                + " the JSON body as its __input__. Not the API token: the hook's own secret, as 'Authorization:"
                + " Bearer <secret>' or 'X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>'")
                .path("path", "The webhook's path, as its flow file gives it")
                .answer(200, "respond: result: the run succeeded; its final data, or the value at result_key (any"
                        + " JSON)")
                .answer(202, "respond: accepted: the run is admitted (running or queued)",
                        ApiSchemas.WebhookLaunch.class)
                .error(400, "The body is not JSON; nothing was launched")
                .error(401, "The hook has a secret and the request does not show it; nothing was launched")
                .error(404, "No deployed flow has a webhook at this path")
                .error(409, "The flow is running and its concurrency is forbid")
                .error(413, "The body is over API_MAX_BODY_BYTES")
                .answer(500, "respond: result: the run failed (its status and error)", ApiSchemas.WebhookLaunch.class)
                .error(503, "Octoflow is starting, stopping or at LAUNCH_MAX_THREADS / QUEUE_MAX_WAITING")
                .answer(504, "respond: result: the run did not end within WEBHOOK_WAIT_SECONDS, or timed out",
                        ApiSchemas.WebhookLaunch.class)
                .to("direct:octoflow-webhook");
    }

    /** Octoflow's own operations, typed for the OpenAPI document ({@link ApiSchemas}). */
    private static void declare(RestDefinition api) {
        RestOperation.of(api.get("/openapi.json"), "getOpenApiDocument", "This OpenAPI 3.1 document (open)")
                .answer(200, "The OpenAPI document (application/json)").to("direct:api-openapi");
        RestOperation.of(api.get("/docs"), "getApiDocs", "Browsable API documentation: Swagger UI (open)")
                .answer(200, "The HTML page").to("direct:api-docs");
        RestOperation.of(api.get("/docs/{file}"), "getApiDocsAsset", "A file of the documentation page (open)")
                .path("file", "File name, such as swagger-ui-bundle.js")
                .answer(200, "The file (JavaScript, CSS)").answer(404, "No such file").to("direct:api-docs-file");

        RestOperation.of(api.get("/flows"), "listFlows", "Scheduled flows, deployed flows (by path), and flow files"
                + " that do not validate").secured()
                .answer(200, "Schedules, deployed flows and invalid files", FlowList.class).to("direct:api-flows");
        RestOperation.of(api.post("/flows/add"), "addSchedule", "Schedule a deployed flow: {path, cron?,"
                + " every_seconds?, timeout_seconds?}; without cron and every_seconds, the flow file's own schedule")
                .secured().body(NewSchedule.class, "The flow's path in FLOWS_PATH and its schedule")
                .answer(201, "The schedule added", Schedule.class)
                .error(400, "A field is missing or malformed, or the flow file does not validate (details: its"
                        + " problems)")
                .error(404, "No flow file at that path in FLOWS_PATH").to("direct:api-flows-add");
        RestOperation.of(api.delete("/flows/{id}"), "removeSchedule", "Remove a schedule").secured()
                .path("id", "The schedule's id, as GET /api/flows lists it")
                .answer(204, "Removed").error(404, "No schedule with that id").to("direct:api-flows-delete");
        RestOperation.of(api.post("/flows/{id}/pause"), "pauseFlow", "Pause a flow's schedules; it can still be"
                + " launched; survives restarts").secured()
                .path("id", FLOW_ID)
                .answer(200, "The flow, paused", PauseState.class).error(404, "No such schedule, flow path or name")
                .error(409, "A name several flows share (paths: theirs)").to("direct:api-flows-pause");
        RestOperation.of(api.post("/flows/{id}/resume"), "resumeFlow", "Resume a flow's schedules").secured()
                .path("id", FLOW_ID)
                .answer(200, "The flow, resumed", PauseState.class).error(404, "No such schedule, flow path or name")
                .error(409, "A name several flows share (paths: theirs)").to("direct:api-flows-resume");
        RestOperation.of(api.post("/flows/launch"), "launchFlow", "Launch a flow now: {path | flow, data?,"
                + " timeout_seconds?}").secured()
                .query("wait", "boolean", "true: answer when the run ends, with its outcome and data (default false)")
                .body(LaunchRequest.class, "The flow (path, or a name only one flow has), the run's input data and"
                        + " timeout")
                .answer(200, "With wait=true: the run ended; its status, error and final data", Launch.class)
                .answer(202, "Launched: its row is written (running, or queued for a concurrency: queue flow)",
                        Launch.class)
                .error(400, "A field is missing or malformed, or the flow file does not validate")
                .error(404, "No such flow").error(409, "The flow is locked (running), or a name several flows share")
                .error(503, "At LAUNCH_MAX_THREADS or QUEUE_MAX_WAITING, or the run could not start")
                .to("direct:api-launch");

        RestOperation.of(api.get("/locks"), "listLocks", "Flows running now (their locks)").secured()
                .answerList(200, "The locks held", Lock.class).to("direct:api-locks");
        RestOperation.of(api.delete("/locks/{flow_name}"), "removeLock", "Remove one flow's lock").secured()
                .path("flow_name", "The lock's flow: its path with '/' as %2F, or a name only one flow has")
                .answer(204, "Removed").error(404, "The flow holds no lock").to("direct:api-lock-delete");
        RestOperation.of(api.delete("/locks"), "removeAllLocks", "Remove every lock").secured()
                .answer(200, "How many locks were removed", LocksRemoved.class).to("direct:api-locks-delete");

        RestOperation.of(api.get("/executions"), "listExecutions", "Runs, newest first").secured()
                .query("path", "string", "Only the runs of the flow file at this path")
                .query("flow", "string", "A deployed flow's path, else a name (the runs of every flow with it)")
                .query("status", "Only runs with this status", Execution.STATUSES.stream().sorted()
                        .toArray(String[]::new))
                .query("trigger", "Only runs started this way", Arrays.stream(Trigger.values())
                        .map(Trigger::label).toArray(String[]::new))
                .query("from", "string", "Started at or after: ISO 8601 date or time (without offset: TIMEZONE)")
                .query("to", "string", "Started at or before: ISO 8601 date or time (without offset: TIMEZONE)")
                .query("limit", "integer", "At most this many runs (default 50, at most 1000)")
                .query("offset", "integer", "Skip this many runs (default 0)")
                .answerList(200, "The runs (without their steps)", ApiSchemas.Execution.class)
                .error(400, "A filter is malformed").to("direct:api-executions");
        RestOperation.of(api.get("/executions/{id}"), "getExecution", "One run with its steps; while it runs in this"
                + " service, the steps finished so far and current_step").secured()
                .path("id", "The execution id")
                .answer(200, "The run", ApiSchemas.Execution.class).error(404, "No execution with that id")
                .to("direct:api-execution");
        RestOperation.of(api.delete("/executions"), "deleteExecutions", "Delete ended runs").secured()
                .query("older_than_days", "integer", "Only runs started more than this many days ago")
                .query("status", "Only runs with this status (not running or queued)", Execution.STATUSES.stream()
                        .sorted().toArray(String[]::new))
                .answer(200, "How many runs were deleted", ExecutionsDeleted.class)
                .error(400, "A filter is malformed, or names running or queued runs")
                .to("direct:api-executions-delete");
        RestOperation.of(api.post("/executions/{id}/abort"), "abortExecution", "Abort a running execution, or a"
                + " queued one (out of its queue, recorded aborted)").secured()
                .path("id", "The execution id")
                .answer(202, "The run is told to stop", Aborting.class).error(404, "No execution with that id")
                .error(409, "The run has ended").to("direct:api-abort");

        RestOperation.of(api.get("/stats"), "getStats", "What the console charts, from the history of the last"
                + " minutes: runs per bucket by status, duration percentiles per flow, schedule lag, and the series flows"
                + " publish under '" + ExecutionQuery.SERIES_KEY + "' in their final data (docs/CONSOLE.md)").secured()
                .query("minutes", "integer", "The window: the last N minutes (default 60, at most "
                        + StatsApi.MAX_MINUTES + ")")
                .answer(200, "The figures, times in epoch milliseconds", Stats.class)
                .error(400, "minutes is malformed or out of range").to("direct:api-stats");
        RestOperation.of(api.get("/logs"), "listLogFiles", "The log files of LOG_PATH").secured()
                .answer(200, "The files", LogFileList.class).to("direct:api-logs");
        RestOperation.of(api.get("/logs/{file}"), "getLogFile", "One log file, whole or its last lines").secured()
                .path("file", "The file's name, as GET /api/logs lists it")
                .query("tail", "integer", "Only the last N lines")
                .answer(200, "The file: text/plain, or application/gzip for a .gz file")
                .error(400, "Not a file name of LOG_PATH, or tail is malformed").error(404, "No such log file")
                .to("direct:api-log-file");
        RestOperation.of(api.post("/validate"), "validateFlow", "Validate flow YAML as if it were deployed").secured()
                .body(String.class, "The flow's YAML (any Content-Type)")
                .answer(200, "Whether it is valid, and its problems with their lines", Validation.class)
                .error(400, "No body").to("direct:api-validate");
    }
}
