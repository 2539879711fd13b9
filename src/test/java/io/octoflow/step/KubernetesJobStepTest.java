package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import io.octoflow.execution.LaunchRequest;
import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;
import io.octoflow.support.JobDriver;
import io.octoflow.support.KubernetesMock;

/**
 * The k8s_job step against fabric8's mock API server (CRUD mode) reached through a kubeconfig, as a user outside
 * the cluster runs Octoflow. The test plays the Job controller ({@link JobDriver}): it moves the Job's status and
 * creates its pod.
 */
class KubernetesJobStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;
    KubernetesMock mock;
    JobDriver driver;

    @BeforeEach
    void setUp() {
        mock = new KubernetesMock();
        driver = new JobDriver(mock);
        fx = new FlowFixture(dir).set("KUBECONFIG", mock.kubeconfig(dir.resolve("kube")).toString());
    }

    @AfterEach
    void tearDown() {
        fx.close();
        mock.close();
    }

    private CompletableFuture<RunResult> start(String flowFile, Map<String, Object> data) {
        var flow = fx.load(flowFile);
        return CompletableFuture.supplyAsync(() -> fx.engine().run(flow, null, data));
    }

    private static RunResult done(CompletableFuture<RunResult> run) throws Exception {
        return run.get(20, TimeUnit.SECONDS);
    }

    @Test
    void waitFalseCreatesTheJobWithItsSpecAndReturnsJobDeployed() throws Exception {
        fx.flow("deploy.yml", """
                name: CI Metrics
                steps:
                  - name: Run Retriever!
                    type: k8s_job
                    result_key: job
                    k8s_job:
                      image: "ghcr.io/acme/retriever:{{ version }}"
                      command: [python, /app/main.py]
                      args: ["--repo", "{{ repo }}", 7]
                      env:
                        REPO: "{{ repo }}"
                        PAGES: 3
                      env_secrets:
                        GITHUB_TOKEN: {secret: ci-tokens, key: github}
                      resources:
                        requests: {cpu: 100m, memory: 64Mi}
                        limits: {memory: 256Mi}
                      job_spec:
                        backoffLimit: 2
                        activeDeadlineSeconds: 600
                        ttlSecondsAfterFinished: 3600
                        template:
                          spec:
                            serviceAccountName: retriever
                            nodeSelector: {pool: batch}
                            volumes:
                              - name: scripts
                                secret: {secretName: retriever-scripts}
                            containers:
                              - name: job
                                volumeMounts:
                                  - {name: scripts, mountPath: /app}
                      wait: false
                """);

        RunResult r = done(start("deploy.yml", Map.of("version", "1.2", "repo", "acme/web")));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        Job job = driver.awaitJob();
        String name = job.getMetadata().getName();
        assertThat(name).matches("ci-metrics-run-retriever-[a-z0-9]{5}").hasSizeLessThanOrEqualTo(63);
        assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "octoflow")
                .containsEntry("octoflow.io/flow", "ci-metrics").containsEntry("octoflow.io/execution-id", r.executionId());
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("octoflow.io/execution-id", r.executionId());
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("retriever");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "batch");
        assertThat(pod.getVolumes()).singleElement().satisfies(v ->
                assertThat(v.getSecret().getSecretName()).isEqualTo("retriever-scripts"));
        assertThat(pod.getContainers()).hasSize(1);
        Container container = pod.getContainers().get(0);
        assertThat(container.getName()).isEqualTo("job");
        assertThat(container.getImage()).isEqualTo("ghcr.io/acme/retriever:1.2");
        assertThat(container.getCommand()).containsExactly("python", "/app/main.py");
        assertThat(container.getArgs()).containsExactly("--repo", "acme/web", "7");
        assertThat(container.getVolumeMounts()).singleElement().satisfies(m ->
                assertThat(m.getMountPath()).isEqualTo("/app"));
        assertThat(container.getEnv()).extracting(EnvVar::getName).containsExactly("REPO", "PAGES", "GITHUB_TOKEN");
        assertThat(container.getEnv().get(0).getValue()).isEqualTo("acme/web");
        assertThat(container.getEnv().get(1).getValue()).isEqualTo("3");
        EnvVar token = container.getEnv().get(2);
        assertThat(token.getValue()).isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("ci-tokens");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("github");
        assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("64Mi"));
        assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) r.data().get("job");
        assertThat(result).containsEntry("job_name", name).containsEntry("namespace", KubernetesMock.NAMESPACE)
                .containsEntry("status", "JOB_DEPLOYED").containsEntry("status_code", 200)
                .containsEntry("logs", "").containsEntry("ended", null);
        assertThat(result.get("started")).isNotNull();
    }

    @Test
    void aSucceededJobGivesItsLogsAndTimes() throws Exception {
        fx.flow("ok.yml", """
                name: ok
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                      namespace: test
                  - name: after
                    type: set_fact
                    set_fact:
                      value: "{{ run.status_code }}"
                """);
        CompletableFuture<RunResult> run = start("ok.yml", Map.of());
        Job job = driver.awaitJob();
        driver.running(job);
        driver.podEnded(job, 0, "line 1\n{\"builds\": 42}\n");
        driver.succeed(job);

        RunResult r = done(run);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) r.data().get("run");
        assertThat(result).containsEntry("job_name", job.getMetadata().getName())
                .containsEntry("status", "SUCCESS").containsEntry("status_code", 500)
                .containsEntry("logs", "line 1\n{\"builds\": 42}\n");
        assertThat(Instant.parse((String) result.get("ended")))
                .isAfterOrEqualTo(Instant.parse((String) result.get("started")));
        assertThat(r.data()).containsEntry("after", "500"); // set_fact stores the rendered text
    }

    @Test
    void aSecretTheContainerPrintsIsMaskedInItsLogs() throws Exception {
        mock.client().secrets().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("ci-tokens").endMetadata().addToStringData("github", "ghp-s3cr3t-from-k8s").build()).create();
        fx.flow("leaky.yml", """
                name: leaky
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                      env_secrets:
                        GITHUB_TOKEN: {secret: ci-tokens, key: github}
                """);
        CompletableFuture<RunResult> run = start("leaky.yml", Map.of());
        Job job = driver.awaitJob();
        driver.podEnded(job, 0, "debug: token is ghp-s3cr3t-from-k8s\n");
        driver.succeed(job);

        RunResult r = done(run);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) r.data().get("run");
        assertThat(result).containsEntry("logs", "debug: token is ***\n");
    }

    @Test
    void theApiServerFailingDuringTheWaitDoesNotFailTheStep() throws Exception {
        fx.flow("flaky.yml", """
                name: flaky
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                """);
        // fabric8 retries a 503 itself (10 times by default); without that, the step's own retry is what is tested
        System.setProperty("kubernetes.request.retry.backoffLimit", "0");
        CompletableFuture<RunResult> run;
        try {
            run = start("flaky.yml", Map.of());
            driver.awaitJob();
        } finally {
            System.clearProperty("kubernetes.request.retry.backoffLimit");
        }
        Job job = driver.awaitJob();
        // the next two reads of the Job answer 503, as an API server restarting does
        int before = mock.pendingAnswers();
        mock.server().expect().get().withPath("/apis/batch/v1/namespaces/" + KubernetesMock.NAMESPACE + "/jobs/"
                + job.getMetadata().getName()).andReturn(503, "{\"kind\": \"Status\", \"code\": 503}").times(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> mock.pendingAnswers() == before);
        assertThat(run).as("the wait goes on").isNotDone();
        driver.podEnded(job, 0, "done\n");
        driver.succeed(job);

        RunResult r = done(run);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(driver.jobs()).as("the Job was not deleted").hasSize(1);
    }

    @Test
    void aContainerExitingNonZeroFailsTheStepWithAppError() throws Exception {
        fx.flow("fail.yml", """
                name: failing
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                  - name: after
                    type: set_fact
                    set_fact:
                      value: reached
                """);
        CompletableFuture<RunResult> run = start("fail.yml", Map.of());
        Job job = driver.awaitJob();
        driver.podEnded(job, 3, "boom\n");
        driver.fail(job, "BackoffLimitExceeded");

        RunResult r = done(run);

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("step 'run'").contains(job.getMetadata().getName())
                .contains("APP_ERROR (420)").contains("exited with code 3").contains("BackoffLimitExceeded");
        assertThat(r.data()).doesNotContainKey("after");
    }

    @Test
    void ignoreErrorsKeepsTheFlowGoingAndTheResultTellsTheStatus() throws Exception {
        fx.flow("ignored.yml", """
                name: ignored
                steps:
                  - name: run
                    type: k8s_job
                    ignore_errors: ["PROC_ERROR"]
                    k8s_job:
                      image: does-not-exist
                  - name: after
                    type: set_fact
                    set_fact:
                      value: "{{ run.status }} {{ run.status_code }}"
                """);
        CompletableFuture<RunResult> run = start("ignored.yml", Map.of());
        Job job = driver.awaitJob();
        driver.podWaiting(job, "ImagePullBackOff");

        RunResult r = done(run);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data()).containsEntry("after", "PROC_ERROR 410");
        assertThat(r.data().get("__errors__").toString()).contains("ImagePullBackOff")
                .contains(job.getMetadata().getName());
        // a Job that cannot start is not left behind
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.gone(job.getMetadata().getName()));
    }

    @Test
    void timeoutSecondsDeletesTheJobAndFailsWithTimeout() throws Exception {
        fx.flow("slow.yml", """
                name: slow
                steps:
                  - name: run
                    type: k8s_job
                    ignore_errors: ["TIMEOUT \\\\(400\\\\)"]
                    k8s_job:
                      image: busybox
                      timeout_seconds: 1
                """);
        CompletableFuture<RunResult> run = start("slow.yml", Map.of());
        Job job = driver.awaitJob();
        driver.running(job);

        RunResult r = done(run);

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("__errors__").toString()).contains("TIMEOUT (400)").contains("timeout_seconds");
        assertThat(r.data().get("run")).asString().contains("status_code=400");
        assertThat(driver.gone(job.getMetadata().getName())).isTrue();
    }

    @Test
    void aFlowTimeoutStopsTheWaitAndDeletesTheJob() throws Exception {
        fx.flow("flow_timeout.yml", """
                name: flow timeout
                timeout_seconds: 1
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                """);
        long begin = System.nanoTime();
        CompletableFuture<RunResult> run = start("flow_timeout.yml", Map.of());
        Job job = driver.awaitJob();

        RunResult r = done(run);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(RunStatus.TIMEOUT);
        assertThat(r.error()).contains("ABORTED (430)");
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.gone(job.getMetadata().getName()));
    }

    @Test
    void anAbortedRunDeletesTheJob() throws Exception {
        fx.flow("abort.yml", """
                name: abort me
                steps:
                  - name: run
                    type: k8s_job
                    k8s_job:
                      image: busybox
                """);
        var flow = fx.load("abort.yml");
        LaunchRequest request = new LaunchRequest(UUID.randomUUID().toString(), Instant.now(), null, Map.of());
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(
                () -> fx.engine().run(flow, request, Duration.ofSeconds(30)));
        Job job = driver.awaitJob();
        assertThat(job.getMetadata().getLabels()).containsEntry("octoflow.io/execution-id", request.executionId());

        request.cancellation().cancel(RunStatus.ABORTED);
        RunResult r = done(run);

        assertThat(r.status()).isEqualTo(RunStatus.ABORTED);
        assertThat(driver.gone(job.getMetadata().getName())).isTrue();
    }
}
