package io.octoflow.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.octoflow.execution.ErrorText;
import io.octoflow.execution.Trigger;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.StepRecord;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.FlowDefinition;
import io.octoflow.flow.Problem;
import io.octoflow.history.Execution;
import io.octoflow.history.ExecutionQuery;
import io.octoflow.lock.LockInfo;
import io.octoflow.logging.LogFiles;
import io.octoflow.path.ConfinedPaths;
import io.octoflow.service.AmbiguousFlowException;
import io.octoflow.service.Deployment;
import io.octoflow.launch.Launcher;
import io.octoflow.app.OctoflowService;
import io.octoflow.schedule.ScheduleEntry;
import io.octoflow.schedule.Scheduler;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * The REST API (Camel REST DSL on platform-http). Every {@code /api/*} operation wants
 * {@code Authorization: Bearer <token>} (compared in constant time); only the API description
 * ({@code /api/openapi.json}) and its browsable page ({@code /api/docs}), which hold no data, are open.
 */
public final class ApiRoutes extends RouteBuilder {

    private static final Logger LOG = LogManager.getLogger(ApiRoutes.class);
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final int MAX_LIMIT = 1000;
    private static final String SWAGGER = "META-INF/resources/webjars/swagger-ui/";

    private final OctoflowService service;
    private final LogFiles logFiles;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @FunctionalInterface
    interface Handler {
        Object handle(Exchange exchange) throws Exception;
    }

    public ApiRoutes(OctoflowService service) {
        this.service = service;
        this.logFiles = new LogFiles(service.config().logPath());
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
                        + " name only one flow has); ?wait=true answers when the run ends").to("direct:api-launch")
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
                .post("/executions/{id}/abort").description("Abort a running execution").to("direct:api-abort")
                .get("/logs").description("The log files of LOG_PATH").to("direct:api-logs")
                .get("/logs/{file}").description("One log file; ?tail=N for its last N lines")
                    .to("direct:api-log-file")
                .post("/validate").description("Validate flow YAML; answers the problems with their lines")
                    .to("direct:api-validate")
                .get("/docs").description("Browsable API documentation").to("direct:api-docs")
                .get("/docs/{file}").description("Documentation assets").to("direct:api-docs-file");

        secured("api-flows", this::listFlows);
        secured("api-flows-add", this::addFlow);
        secured("api-flows-delete", this::deleteFlow);
        secured("api-flows-pause", e -> pauseOrResume(e, true));
        secured("api-flows-resume", e -> pauseOrResume(e, false));
        secured("api-logs", this::listLogs);
        secured("api-log-file", this::logFile);
        secured("api-launch", this::launch);
        secured("api-locks", e -> service.locks().list().stream().map(this::lock).toList());
        secured("api-lock-delete", this::deleteLock);
        secured("api-locks-delete", e -> Map.of("removed", service.locks().releaseAll()));
        secured("api-executions", this::listExecutions);
        secured("api-execution", this::getExecution);
        secured("api-executions-delete", this::deleteExecutions);
        secured("api-abort", this::abort);
        secured("api-validate", this::validate);
        new RegoTaskApi(service, json).configure(this);
        from("direct:api-docs").routeId("api-docs").process(this::docsPage);
        from("direct:api-docs-file").routeId("api-docs-file").process(this::docsFile);
    }

    /** A route answering {@code direct:<name>} with {@code handler}'s result as JSON, once the token matched. */
    void secured(String name, Handler handler) {
        from("direct:" + name).routeId(name).process(exchange -> {
            String header = exchange.getMessage().getHeader("Authorization", String.class);
            String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim() : null;
            // rego's CLI sends its API key in X-Rego-Api-Key: the API token works there too
            String regoKey = exchange.getMessage().getHeader(RegoTaskApi.API_KEY_HEADER, String.class);
            if (presented == null && regoKey != null) {
                presented = regoKey.trim();
                header = regoKey;
            }
            try {
                if (!service.token().matches(presented)) {
                    throw new ApiException(401, header == null ? "missing 'Authorization: Bearer <token>' header"
                            : "invalid token");
                }
                Object result = handler.handle(exchange);
                int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
                respond(exchange, status, result);
            } catch (AmbiguousFlowException e) {
                // flows are identified by path: a shared name must be replaced by one of these
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", e.getMessage());
                error.put("paths", e.paths());
                respond(exchange, 409, error);
            } catch (ApiException e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", e.getMessage());
                if (e.details() != null) {
                    error.put("details", e.details());
                }
                respond(exchange, e.status(), error);
            } catch (Exception e) {
                String message = service.engine().masker().mask(ErrorText.of(e));
                LOG.error("{}: {}", name, message);
                respond(exchange, 500, Map.of("error", message));
            }
        }).id(name + ":handle");
    }

    private void respond(Exchange exchange, int status, Object body) throws JsonProcessingException {
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body == null) {
            message.setBody(null);
            return;
        }
        if (body instanceof RawBody raw) {
            message.setHeader(Exchange.CONTENT_TYPE, raw.contentType());
            message.setBody(raw.content());
            return;
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json.writeValueAsString(body));
    }

    private static void status(Exchange exchange, int status) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    }

    // --- flows and schedules ---

    private Object listFlows(Exchange exchange) {
        List<Map<String, Object>> flows = new ArrayList<>();
        for (ScheduleEntry entry : service.scheduler().entries()) {
            flows.add(schedule(entry));
        }
        List<Map<String, Object>> invalid = new ArrayList<>();
        for (Deployment deployment : service.directory().invalidFiles()) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", deployment.path());
            file.put("running_previous_version", deployment.flow() != null || !deployment.routeIds().isEmpty());
            file.put("problems", problems(deployment.problems(), deployment.path()));
            invalid.add(file);
        }
        List<Map<String, Object>> deployed = new ArrayList<>();
        for (FlowDefinition flow : service.directory().flows()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("path", flow.path());
            view.put("name", flow.name());
            view.put("schedules", service.scheduler().forFlow(flow.path()).stream().map(ScheduleEntry::id).toList());
            view.put("paused", service.scheduler().isPaused(flow.path()));
            view.put("locked", service.locks().isHeld(flow.path()));
            view.put("warnings", warnings(flow.path()));
            deployed.add(view);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flows", flows);
        body.put("deployed", deployed);
        body.put("invalid_files", invalid);
        return body;
    }

    private Map<String, Object> schedule(ScheduleEntry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.id());
        view.put("name", entry.flowName());
        view.put("path", entry.path());
        view.put("source", entry.source());
        view.put("cron", entry.cron());
        view.put("every_seconds", entry.everySeconds());
        view.put("timeout_seconds", entry.timeoutSeconds());
        view.put("paused", service.scheduler().isPaused(entry.path()));
        service.scheduler().nextFire(entry).ifPresent(next -> view.put("next_fire", time(next)));
        view.put("warnings", warnings(entry.path()));
        return view;
    }

    /** The warnings of a loaded flow file: stricter checks on what the spooler accepts; the flow runs anyway. */
    private List<Map<String, Object>> warnings(String relativePath) {
        if (relativePath == null) {
            return List.of();
        }
        try {
            FlowCatalog catalog = service.engine().catalog();
            Path file = catalog.flowFiles().resolve(relativePath);
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            return problems(catalog.warnings(file), file.toString());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private Object addFlow(Exchange exchange) throws Exception {
        JsonBody body = JsonBody.parse(json, exchange.getMessage().getBody(String.class),
                Set.of("path", "cron", "every_seconds", "timeout_seconds"));
        FlowDefinition flow = deployedFlow(body.text("path", true));
        String cron = body.text("cron", false);
        Long every = body.positive("every_seconds");
        if (cron == null && every == null) {
            cron = flow.cron();
            every = flow.everySeconds();
        }
        ScheduleEntry entry;
        try {
            entry = Scheduler.entry(UUID.randomUUID().toString(), flow, "api", cron, every,
                    body.positive("timeout_seconds"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        service.scheduler().add(entry);
        status(exchange, 201);
        return schedule(entry);
    }

    private Object deleteFlow(Exchange exchange) throws Exception {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!service.scheduler().remove(id)) {
            throw new ApiException(404, "no schedule with id '" + id + "'");
        }
        status(exchange, 204);
        return null;
    }

    /**
     * {@code id} is a schedule id (as listed), a flow path, or a name only one flow has; pausing is per flow (per
     * path), and survives restarts.
     */
    private Object pauseOrResume(Exchange exchange, boolean pause) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Optional<ScheduleEntry> schedule = service.scheduler().find(id);
        FlowDefinition flow = schedule.isPresent() ? service.directory().flowAt(schedule.get().path())
                : service.findFlow(id);
        if (flow == null) {
            throw new ApiException(404, "no schedule id, deployed flow path or flow name '" + id + "'");
        }
        String path = flow.path();
        boolean changed = pause ? service.operations().pause(path) : service.operations().resume(path);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", flow.name());
        body.put("path", path);
        body.put("paused", pause);
        body.put("changed", changed);
        body.put("schedules", service.scheduler().forFlow(path).stream().map(ScheduleEntry::id).toList());
        return body;
    }

    // --- logs ---

    private Object listLogs(Exchange exchange) throws IOException {
        List<Map<String, Object>> files = new ArrayList<>();
        for (LogFiles.LogFile file : logFiles.list()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", file.name());
            view.put("size_bytes", file.sizeBytes());
            view.put("modified", time(file.modified()));
            files.add(view);
        }
        return Map.of("log_path", service.config().logPath().toString(), "files", files);
    }

    private Object logFile(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("file", String.class);
        Path file;
        try {
            file = logFiles.file(name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "file: " + e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ApiException(404, "no log file '" + name + "' in LOG_PATH");
        }
        if (name.endsWith(".gz")) {
            return new RawBody("application/gzip", Files.readAllBytes(file));
        }
        String tail = exchange.getMessage().getHeader("tail", String.class);
        byte[] content = tail == null ? Files.readAllBytes(file)
                : logFiles.tail(file, integer(tail, "tail", 100)).getBytes(StandardCharsets.UTF_8);
        return new RawBody("text/plain; charset=utf-8", content);
    }

    /** A handler's answer sent as it is, not as JSON. */
    private record RawBody(String contentType, byte[] content) {
    }

    /** The deployed, valid flow at {@code path} (relative to FLOWS_PATH); 400/404 otherwise. */
    private FlowDefinition deployedFlow(String path) {
        Deployment deployment;
        try {
            deployment = service.directory().byPath(path).orElse(null);
        } catch (ConfinedPaths.PathOutsideRootException e) {
            throw new ApiException(400, "path: " + e.getMessage());
        }
        if (deployment == null) {
            throw new ApiException(404, "no flow file '" + path + "' in FLOWS_PATH");
        }
        if (deployment.flow() == null) {
            throw new ApiException(400, "flow file '" + path + "' does not validate",
                    problems(deployment.problems(), deployment.path()));
        }
        return deployment.flow();
    }

    // --- launching ---

    /**
     * The flow a launch names: by {@code path} in FLOWS_PATH, or by {@code flow}: a path too, or a name that only
     * one deployed flow has (several: 409 with their paths).
     */
    private FlowDefinition launchedFlow(JsonBody body) {
        String name = body.text("flow", false);
        String path = body.text("path", name == null);
        if (name != null && path != null) {
            throw new ApiException(400, "give either 'path' or 'flow', not both");
        }
        if (path != null) {
            return deployedFlow(path);
        }
        FlowDefinition flow = service.findFlow(name);
        if (flow == null) {
            throw new ApiException(404, "no deployed flow has the path or name '" + name + "'");
        }
        return flow;
    }

    private Object launch(Exchange exchange) throws Exception {
        JsonBody body = JsonBody.parse(json, exchange.getMessage().getBody(String.class),
                Set.of("path", "flow", "data", "timeout_seconds"));
        boolean wait = Boolean.parseBoolean(exchange.getMessage().getHeader("wait", "false", String.class));
        FlowDefinition flow = launchedFlow(body);
        Object data = body.value(json, "data");
        Long timeout = body.positive("timeout_seconds");
        Launcher.Launch launch = service.launcher().launch(flow, data, Trigger.API, null, timeout);
        if (!launch.admitted()) {
            throw new ApiException(409, launch.refusal());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("execution_id", launch.executionId());
        answer.put("flow", flow.name());
        answer.put("path", flow.path());
        if (!wait) {
            answer.put("status", "running");
            status(exchange, 202);
            return answer;
        }
        long seconds = (timeout != null ? timeout : flow.timeoutSeconds() != null ? flow.timeoutSeconds()
                : service.config().flowTimeoutSeconds()) + 15;
        RunResult result;
        try {
            result = launch.done().get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            answer.put("status", "running");
            status(exchange, 202);
            return answer;
        } catch (ExecutionException e) {
            throw new ApiException(500, "the run could not complete: " + ErrorText.of(e.getCause()));
        }
        answer.put("status", result.status().label());
        answer.put("duration_ms", result.durationMillis());
        answer.put("error", result.error());
        answer.put("data", result.data());
        return answer;
    }

    // --- locks ---

    /** A lock is taken by flow path: {@code flow} shows the name of the flow deployed there (else the key). */
    private Map<String, Object> lock(LockInfo lock) {
        Map<String, Object> view = new LinkedHashMap<>();
        FlowDefinition flow = service.directory().flowAt(lock.flow());
        view.put("flow", flow != null ? flow.name() : lock.flow());
        view.put("path", lock.flow());
        view.put("since", lock.since() == null ? null : time(lock.since()));
        view.put("pid", lock.pid());
        view.put("host", lock.host());
        view.put("execution_id", lock.execution());
        return view;
    }

    /** {@code flow_name}: the lock's key (the flow's path, as listed), or a name only one deployed flow has. */
    private Object deleteLock(Exchange exchange) {
        String flow = exchange.getMessage().getHeader("flow_name", String.class);
        if (!service.locks().forceRelease(flow)) {
            FlowDefinition named = service.findFlow(flow);
            if (named == null || !service.locks().forceRelease(named.path())) {
                throw new ApiException(404, "flow '" + flow + "' holds no lock");
            }
        }
        status(exchange, 204);
        return null;
    }

    // --- executions ---

    private Object listExecutions(Exchange exchange) {
        var message = exchange.getMessage();
        String status = message.getHeader("status", String.class);
        if (status != null && !Execution.STATUSES.contains(status)) {
            throw new ApiException(400, "status: expected one of " + Execution.STATUSES.stream().sorted().toList());
        }
        int limit = integer(message.getHeader("limit", String.class), "limit", 50);
        if (limit > MAX_LIMIT) {
            throw new ApiException(400, "limit: at most " + MAX_LIMIT);
        }
        ExecutionQuery query;
        try {
            // ?flow= is a path when a deployed flow has it, else a name (every flow with that name)
            String flow = message.getHeader("flow", String.class);
            String path = message.getHeader("path", String.class);
            if (flow != null && path == null) {
                FlowDefinition deployed = flowAtPath(flow);
                if (deployed != null) {
                    path = deployed.path();
                    flow = null;
                }
            }
            query = new ExecutionQuery(flow, status,
                    instant(message.getHeader("from", String.class), "from"),
                    instant(message.getHeader("to", String.class), "to"),
                    limit, integer(message.getHeader("offset", String.class), "offset", 0), path);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        return service.store().list(query).stream().map(this::execution).toList();
    }

    /** The deployed flow whose path (as listed, or relative to FLOWS_PATH) is {@code text}; null otherwise. */
    private FlowDefinition flowAtPath(String text) {
        FlowDefinition flow = service.directory().flowAt(text);
        if (flow != null) {
            return flow;
        }
        try {
            return service.directory().byPath(text).map(Deployment::flow).orElse(null);
        } catch (RuntimeException notAPath) {
            return null;
        }
    }

    private Object getExecution(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return service.store().find(id).map(this::execution)
                .orElseThrow(() -> new ApiException(404, "no execution with id '" + id + "'"));
    }

    private Object deleteExecutions(Exchange exchange) {
        var message = exchange.getMessage();
        String days = message.getHeader("older_than_days", String.class);
        Integer olderThan = days == null ? null : integer(days, "older_than_days", 0);
        String status = message.getHeader("status", String.class);
        if (status != null && !Execution.STATUSES.contains(status)) {
            throw new ApiException(400, "status: expected one of " + Execution.STATUSES.stream().sorted().toList());
        }
        if ("running".equals(status)) {
            throw new ApiException(400, "status: running executions cannot be deleted; abort them first");
        }
        return Map.of("deleted", service.store().delete(olderThan, status));
    }

    private Object abort(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (service.launcher().abort(id)) {
            status(exchange, 202);
            return Map.of("execution_id", id, "status", "aborting");
        }
        Optional<Execution> known = service.store().find(id);
        if (known.isEmpty()) {
            throw new ApiException(404, "no execution with id '" + id + "'");
        }
        throw new ApiException(409, "execution '" + id + "' is not running (status " + known.get().status() + ")");
    }

    private Map<String, Object> execution(Execution e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("flow", e.flowName());
        view.put("path", e.flowPath());
        view.put("trigger", e.trigger());
        view.put("scheduled_at", e.scheduledAt() == null ? null : time(e.scheduledAt()));
        view.put("started_at", time(e.startedAt()));
        view.put("ended_at", e.endedAt() == null ? null : time(e.endedAt()));
        view.put("duration_ms", e.endedAt() == null ? null
                : Duration.between(e.startedAt(), e.endedAt()).toMillis());
        view.put("status", e.status());
        view.put("error", e.error());
        view.put("input", parsed(e.input()));
        if (e.data() != null) {
            view.put("data", parsed(e.data()));
        }
        if (e.steps() != null && !e.steps().isEmpty()) {
            List<Map<String, Object>> steps = new ArrayList<>();
            for (StepRecord step : e.steps()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", step.step());
                s.put("status", step.status());
                s.put("start", time(step.start()));
                s.put("duration_ms", step.durationMicros() / 1000.0);
                s.put("error", step.error());
                steps.add(s);
            }
            view.put("steps", steps);
        }
        if (e.stepsDropped() > 0) { // beyond the history's cap on steps per run
            view.put("steps_dropped", e.stepsDropped());
        }
        return view;
    }

    private Object parsed(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private String time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, service.config().timezone()).toString();
    }

    /** ISO 8601; without an offset the time is read in TIMEZONE. */
    private Instant instant(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        ZoneId zone = service.config().timezone();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return java.time.LocalDate.parse(text).atStartOfDay(zone).toInstant();
                } catch (DateTimeParseException e3) {
                    throw new ApiException(400, name + ": expected an ISO 8601 date or time (2026-05-23,"
                            + " 2026-05-23T10:00:00, 2026-05-23T10:00:00+02:00), got '" + text + "'");
                }
            }
        }
    }

    private static int integer(String text, String name, int fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new ApiException(400, name + ": expected a whole number >= 0, got '" + text + "'");
    }

    // --- validation ---

    private Object validate(Exchange exchange) throws IOException {
        String yaml = exchange.getMessage().getBody(String.class);
        if (yaml == null || yaml.isBlank()) {
            throw new ApiException(400, "send the flow YAML as the request body");
        }
        Path dir = Files.createTempDirectory("octoflow-validate");
        Path file = dir.resolve("request.yml");
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            var config = service.config();
            FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new Templates(config.templatesPath()),
                    config.flowsPath(), config.templatesPath(), config.dataPath());
            List<Problem> problems = catalog.check(file);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("valid", problems.stream().noneMatch(Problem::isError));
            answer.put("problems", problems(problems, file.toString()));
            return answer;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private List<Map<String, Object>> problems(List<Problem> problems, String ownFile) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Problem problem : problems) {
            Map<String, Object> p = new LinkedHashMap<>();
            if (!problem.file().equals(ownFile) && !problem.file().endsWith("request.yml")) {
                p.put("file", problem.file());
            }
            p.put("line", problem.line());
            p.put("column", problem.column());
            p.put("severity", problem.severity().label());
            p.put("message", problem.message());
            out.add(p);
        }
        return out;
    }

    // --- docs ---

    private void docsPage(Exchange exchange) {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Octoflow API</title>
                <link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
                <body><div id="ui"></div>
                <script src="/api/docs/swagger-ui-bundle.js"></script>
                <script>SwaggerUIBundle({url: '/api/openapi.json', dom_id: '#ui'});</script>
                </body></html>
                """;
        var message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        message.setBody(html);
    }

    private void docsFile(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("file", String.class);
        var message = exchange.getMessage();
        message.removeHeaders("*");
        if (name == null || !name.matches("[A-Za-z0-9._-]+") || name.contains("..")) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setBody(null);
            return;
        }
        String version = swaggerVersion();
        try (InputStream in = version == null ? null
                : getClass().getClassLoader().getResourceAsStream(SWAGGER + version + "/" + name)) {
            if (in == null) {
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
                message.setBody(null);
                return;
            }
            message.setHeader(Exchange.CONTENT_TYPE, name.endsWith(".css") ? "text/css"
                    : name.endsWith(".js") ? "application/javascript" : "application/octet-stream");
            message.setBody(in.readAllBytes());
        }
    }

    private String swaggerVersion() throws IOException {
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }
}
