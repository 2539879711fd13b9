package io.octoflow.kubernetes.job;

/**
 * The states of a Job launched by a {@code k8s_job} step, with rego's status codes (a dashboard or a later step
 * can compare codes: everything at or above 400 is final and unsuccessful, 500 is success).
 */
public enum JobStatus {
    READY(100),
    JOB_DEPLOYED(200),
    PENDING(250),
    RUNNING(300),
    TIMEOUT(400),
    /** The container could not run: image pull, bad configuration, deadline exceeded, pod failure before start. */
    PROC_ERROR(410),
    /** The container ran and exited non-zero. */
    APP_ERROR(420),
    ABORTED(430),
    SUCCESS(500);

    private final int code;

    JobStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
