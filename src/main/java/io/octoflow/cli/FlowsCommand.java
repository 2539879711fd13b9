package io.octoflow.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.client.ServiceException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code octoflow flows}: the flows a running service has deployed, their schedules, and its invalid files. */
@Command(name = "flows", mixinStandardHelpOptions = true,
        description = "Lists the flows of a running service (GET /api/flows): name, path, schedule, next fire,"
                + " paused, locked; then the flow files that do not validate.%nExit code: 0 listed. "
                + ClientOptions.EXIT_CODES)
public final class FlowsCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        JsonNode flows;
        try {
            flows = options.client().flows();
        } catch (ServiceException e) {
            return ClientOptions.failed(e);
        }
        if (options.json()) {
            ClientOptions.printJson(flows, System.out);
            return 0;
        }
        Map<String, JsonNode> schedules = new HashMap<>();
        flows.path("flows").forEach(schedule -> schedules.put(schedule.path("id").asText(), schedule));
        TextTable table = new TextTable("NAME", "PATH", "SCHEDULE", "NEXT FIRE", "PAUSED", "LOCKED");
        for (JsonNode flow : flows.path("deployed")) {
            StringBuilder timing = new StringBuilder();
            String next = null;
            for (JsonNode id : flow.path("schedules")) {
                JsonNode schedule = schedules.get(id.asText());
                if (schedule == null) {
                    continue;
                }
                if (!timing.isEmpty()) {
                    timing.append(", ");
                }
                timing.append(schedule.hasNonNull("cron") ? "cron " + schedule.get("cron").asText()
                        : "every " + schedule.path("every_seconds").asText() + " s");
                String fire = schedule.path("next_fire").asText(null);
                if (fire != null && (next == null || fire.compareTo(next) < 0)) {
                    next = fire;
                }
            }
            table.row(flow.path("name").asText(), flow.path("path").asText(), timing, next,
                    flow.path("paused").asBoolean() ? "yes" : "no", flow.path("locked").asBoolean() ? "yes" : "no");
        }
        table.print(System.out);
        JsonNode invalid = flows.path("invalid_files");
        if (!invalid.isEmpty()) {
            System.out.println();
            System.out.println("Files that do not validate (" + invalid.size() + "):");
            for (JsonNode file : invalid) {
                JsonNode problem = file.path("problems").path(0);
                System.out.println("  " + file.path("path").asText() + ":" + problem.path("line").asText("1") + ":"
                        + problem.path("column").asText("1") + ": " + problem.path("message").asText("invalid")
                        + (file.path("running_previous_version").asBoolean() ? " (the previous version runs)" : ""));
            }
        }
        return 0;
    }
}
