package io.octoflow.api;

import java.nio.file.Path;
import java.time.ZoneId;

import io.octoflow.operations.FlowOperations;
import io.octoflow.operations.FlowValidator;
import io.octoflow.secret.Masker;
import io.octoflow.config.ApiLimits;
import io.octoflow.console.ConsoleSessions;
import io.octoflow.task.TaskService;

/**
 * What the REST APIs (Octoflow's, the spooler's, rego's) need, built by the composition root: the operations port
 * and a few read-only things. Nothing here reaches the service itself.
 *
 * @param operations every read and change of flows, runs, locks, schedules and history
 * @param tasks      rego's tasks ({@code /api/v1/task})
 * @param token      the API token every {@code /api/*} request must carry
 * @param masker     hides secrets in the errors answered and logged
 * @param validator  checks flow YAML sent to {@code POST /api/validate}
 * @param timezone   TIMEZONE: times are answered in it, and read in it when they have no offset
 * @param flowsPath  FLOWS_PATH, named in the spooler API's answers
 * @param logPath    LOG_PATH, whose files {@code /api/logs} serves
 * @param limits     API_MAX_RESULT_BYTES and the server's other limits
 * @param sessions   the web console's signed-in browsers, whose cookie the API takes too; null: no console
 */
public record ApiDependencies(FlowOperations operations, TaskService tasks, ApiToken token, Masker masker,
        FlowValidator validator, ZoneId timezone, Path flowsPath, Path logPath, ApiLimits limits,
        ConsoleSessions sessions) {
}
