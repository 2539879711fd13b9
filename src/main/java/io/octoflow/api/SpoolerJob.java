package io.octoflow.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.octoflow.history.Execution;

/**
 * How an Octoflow run reads as a spooler job. The spooler's job has a {@code state} (pending, running, stopping,
 * finished) and a {@code status} (unknown, success, failed, error, exit); an Octoflow run has one status:
 * <pre>
 * Octoflow   state     status
 * queued     pending   unknown   (a concurrency: queue launch waiting for the flow's lock)
 * running    running   unknown
 * success    finished  success
 * failed     finished  failed
 * exit       finished  exit
 * timeout    finished  failed    (the spooler marks a timed-out job failed)
 * aborted    finished  unknown   (the spooler marks jobs cut off by a restart so)
 * skipped    -         -         (a refused fire; the spooler creates no job for it)
 * </pre>
 * Octoflow records a run once it is admitted and until it ends, so {@code stopping} never shows and {@code error} is
 * never given; filtering on them finds nothing.
 */
final class SpoolerJob {

    static final List<String> STATES = List.of("pending", "running", "stopping", "finished");
    static final List<String> STATUSES = List.of("unknown", "success", "failed", "error", "exit");

    /** Octoflow statuses that are jobs: every one but skipped. */
    private static final Set<String> JOBS = Set.of(Execution.QUEUED, Execution.RUNNING, Execution.SUCCESS, Execution.FAILED,
            Execution.EXIT, Execution.TIMEOUT, Execution.ABORTED);
    private static final Map<String, Set<String>> BY_STATE = Map.of(
            "pending", Set.of(Execution.QUEUED),
            "running", Set.of(Execution.RUNNING),
            "stopping", Set.of(),
            "finished", Set.of(Execution.SUCCESS, Execution.FAILED, Execution.EXIT, Execution.TIMEOUT,
                    Execution.ABORTED));
    private static final Map<String, Set<String>> BY_STATUS = Map.of(
            "unknown", Set.of(Execution.QUEUED, Execution.RUNNING, Execution.ABORTED),
            "success", Set.of(Execution.SUCCESS),
            "failed", Set.of(Execution.FAILED, Execution.TIMEOUT),
            "error", Set.of(),
            "exit", Set.of(Execution.EXIT));

    private SpoolerJob() {
    }

    static boolean isJob(Execution e) {
        return JOBS.contains(e.status());
    }

    static String state(Execution e) {
        return switch (e.status()) {
            case Execution.QUEUED -> "pending";
            case Execution.RUNNING -> "running";
            default -> "finished";
        };
    }

    static String status(Execution e) {
        return switch (e.status()) {
            case Execution.SUCCESS -> "success";
            case Execution.FAILED, Execution.TIMEOUT -> "failed";
            case Execution.EXIT -> "exit";
            default -> "unknown";
        };
    }

    /** The Octoflow statuses of the jobs a {@code state} and a {@code status} filter (either null) select. */
    static Set<String> statuses(String state, String status) {
        Set<String> wanted = new LinkedHashSet<>(JOBS);
        if (state != null) {
            wanted.retainAll(pick(BY_STATE, state, "state", STATES));
        }
        if (status != null) {
            wanted.retainAll(pick(BY_STATUS, status, "status", STATUSES));
        }
        return wanted;
    }

    private static Set<String> pick(Map<String, Set<String>> map, String value, String parameter,
            List<String> names) {
        Set<String> statuses = map.get(value);
        if (statuses == null) {
            throw new ApiException(400, parameter + ": expected one of " + String.join(", ", names) + ", got '"
                    + value + "'");
        }
        return statuses;
    }

    /** The spooler's source of a job: {@code scheduler} for scheduled runs, else Octoflow's trigger (api, cli...). */
    static String source(Execution e) {
        return "schedule".equals(e.trigger()) ? "scheduler" : e.trigger();
    }
}
