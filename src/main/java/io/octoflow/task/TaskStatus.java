package io.octoflow.task;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.history.Execution;
import io.octoflow.kubernetes.job.JobStatus;

/** rego's status of a task execution, from the run's status and the k8s_job step's recorded result. */
public final class TaskStatus {

    private TaskStatus() {
    }

    /**
     * The run's own end wins for timeouts and aborts; otherwise the status the step stored ({@code job.status},
     * which the step stores even when it fails); a failed run whose step stored nothing failed before its
     * container could run.
     */
    public static JobStatus of(String runStatus, JsonNode job) {
        JobStatus recorded = recorded(job);
        return switch (runStatus) {
            case Execution.RUNNING -> JobStatus.RUNNING;
            case Execution.TIMEOUT -> JobStatus.TIMEOUT;
            case Execution.ABORTED -> JobStatus.ABORTED;
            case Execution.QUEUED, Execution.SKIPPED -> JobStatus.READY;
            case Execution.SUCCESS, Execution.EXIT -> recorded != null ? recorded : JobStatus.SUCCESS;
            default -> recorded != null && recorded != JobStatus.SUCCESS ? recorded : JobStatus.PROC_ERROR;
        };
    }

    private static JobStatus recorded(JsonNode job) {
        if (job == null || !job.hasNonNull("status_code")) {
            return null;
        }
        int code = job.get("status_code").asInt();
        for (JobStatus status : JobStatus.values()) {
            if (status.code() == code) {
                return status;
            }
        }
        return null;
    }
}
