package io.octoflow.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;

/**
 * Plays the Job controller and the kubelet for fabric8's mock API server, which runs none: finds the Job a step
 * created, creates its pod (label {@code job-name}) with a container state, serves the pod's log, and moves the
 * Job's status.
 */
public final class JobDriver {

    private final KubernetesMock mock;
    private final NamespacedKubernetesClient client;

    public JobDriver(KubernetesMock mock) {
        this.mock = mock;
        this.client = mock.client();
    }

    /** Waits until exactly one Job exists in the mock's namespace and returns it. */
    public Job awaitJob() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(this::jobs, jobs -> !jobs.isEmpty()).get(0);
    }

    public List<Job> jobs() {
        return client.batch().v1().jobs().list().getItems();
    }

    public boolean gone(String jobName) {
        return client.batch().v1().jobs().withName(jobName).get() == null;
    }

    /** The Job's pod, its container ended with {@code exitCode}, and {@code logs} served for it. */
    public Pod podEnded(Job job, int exitCode, String logs) {
        return podEnded(job, exitCode, logs, 100);
    }

    /** The same, for a step whose logs_tail_lines is {@code tailLines}. */
    public Pod podEnded(Job job, int exitCode, String logs, int tailLines) {
        Pod pod = pod(job, new PodBuilder().withNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .addNewContainerStatus().withName("job").withNewState().withNewTerminated().withExitCode(exitCode)
                .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().endState().endContainerStatus()
                .endStatus());
        serveLogs(pod.getMetadata().getName(), logs, tailLines);
        return pod;
    }

    /** The Job's pod, its container waiting with {@code reason} (ImagePullBackOff...). */
    public Pod podWaiting(Job job, String reason) {
        return pod(job, new PodBuilder().withNewStatus().withPhase("Pending").addNewContainerStatus().withName("job")
                .withNewState().withNewWaiting().withReason(reason).withMessage("as the test says").endWaiting()
                .endState().endContainerStatus().endStatus());
    }

    /** The Job's pod, running. */
    public Pod podRunning(Job job) {
        return pod(job, new PodBuilder().withNewStatus().withPhase("Running").addNewContainerStatus().withName("job")
                .withNewState().withNewRunning().endRunning().endState().endContainerStatus().endStatus());
    }

    private Pod pod(Job job, PodBuilder builder) {
        String name = job.getMetadata().getName() + "-x1y2z";
        Pod pod = builder.withNewMetadata().withName(name).addToLabels("job-name", job.getMetadata().getName())
                .withCreationTimestamp(Instant.now().toString()).endMetadata()
                .withNewSpec().addNewContainer().withName("job").withImage("x").endContainer().endSpec().build();
        return client.pods().resource(pod).create();
    }

    /** The CRUD dispatcher does not serve {@code /log}: an expectation does (fabric8 writes the query in this order). */
    public void serveLogs(String podName, String logs, int tailLines) {
        mock.server().expect().get().withPath("/api/v1/namespaces/" + KubernetesMock.NAMESPACE + "/pods/" + podName
                + "/log?pretty=false&container=job&tailLines=" + tailLines + "&limitBytes=262144").andReturn(200, logs).always();
    }

    public void succeed(Job job) {
        client.batch().v1().jobs().withName(job.getMetadata().getName()).editStatus(j -> new JobBuilder(j)
                .editOrNewStatus().withStartTime(Instant.now().minusSeconds(5).toString())
                .withCompletionTime(Instant.now().toString()).withSucceeded(1).withActive(0)
                .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build());
    }

    public void fail(Job job, String reason) {
        client.batch().v1().jobs().withName(job.getMetadata().getName()).editStatus(j -> new JobBuilder(j)
                .editOrNewStatus().withStartTime(Instant.now().minusSeconds(5).toString()).withFailed(1)
                .withActive(0).addNewCondition().withType("Failed").withStatus("True").withReason(reason)
                .withMessage("Job has reached the specified backoff limit").endCondition().endStatus().build());
    }

    public void running(Job job) {
        client.batch().v1().jobs().withName(job.getMetadata().getName()).editStatus(j -> new JobBuilder(j)
                .editOrNewStatus().withStartTime(Instant.now().toString()).withActive(1).endStatus().build());
    }
}
