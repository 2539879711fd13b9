package io.octoflow.task;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.history.Execution;

/** rego's status of a task execution, from the run's status and the k8s_job step's recorded result. */
public enum TaskStatus {
    READY(100), JOB_DEPLOYED(200), PENDING(250), RUNNING(300), TIMEOUT(400), PROC_ERROR(410), APP_ERROR(420),
    ABORTED(430), SUCCESS(500);

    private final int code;

    TaskStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static TaskStatus ofCode(int code) {
        for (TaskStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }

    /**
     * The run's own end wins for timeouts and aborts; otherwise the code the step stored ({@code job.status_code});
     * a failed run whose step stored nothing failed before its container ran.
     */
    public static TaskStatus of(String runStatus, JsonNode job) {
        TaskStatus recorded = job != null && job.hasNonNull("status_code") ? ofCode(job.get("status_code").asInt())
                : null;
        return switch (runStatus) {
            case Execution.RUNNING -> RUNNING;
            case Execution.TIMEOUT -> TIMEOUT;
            case Execution.ABORTED -> ABORTED;
            case Execution.SKIPPED -> READY;
            case Execution.SUCCESS, Execution.EXIT -> recorded != null ? recorded : SUCCESS;
            default -> recorded != null && recorded != SUCCESS ? recorded : PROC_ERROR;
        };
    }
}
