package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

import io.octoflow.support.JobDriver;
import io.octoflow.support.KubernetesMock;
import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * rego's task API over real HTTP, on a started service whose k8s_job steps talk to fabric8's mock API server; the
 * test plays the Job controller ({@link JobDriver}).
 */
class RegoTaskApiTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path root;
    KubernetesMock mock;
    JobDriver driver;
    ServiceFixture service;

    @BeforeEach
    void start() throws Exception {
        mock = new KubernetesMock();
        driver = new JobDriver(mock);
        service = new ServiceFixture(root);
        service.set("KUBECONFIG", mock.kubeconfig(root.resolve("kube")).toString());
        service.start();
    }

    @AfterEach
    void stop() {
        service.close();
        mock.close();
    }

    @Test
    void aOneTimeTaskRunsItsJobOnceAndReportsRegoStatusCodes() {
        Response created = regoPost("/api/v1/task", """
                {"image": "busybox:1.36", "name": "hello", "cmd": ["sh", "-c", "echo hi {{.Name}} {% x"],
                 "metadata": {"backoffLimit": 2, "client_id": "acme"}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("message").asText()).isEqualTo("created");
        String id = created.json().get("id").asText();

        Job job = driver.awaitJob();
        assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "octoflow");
        assertThat(job.getSpec().getBackoffLimit()).as("metadata's JobSpec keys configure the Job").isEqualTo(2);
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("busybox:1.36");
        // rego passes commands as they are: no Jinja rendering of a go-template
        assertThat(container.getCommand()).containsExactly("sh", "-c", "echo hi {{.Name}} {% x");

        // running: rego's RUNNING
        await().atMost(WAIT).until(() -> get("/api/v1/task/" + id + "/latest").status() == 200);
        assertThat(get("/api/v1/task/" + id + "/latest").json().get("status_code").asInt()).isEqualTo(300);

        driver.podEnded(job, 0, "hi\n");
        driver.succeed(job);
        await().atMost(WAIT).until(() -> get("/api/v1/task/" + id + "/latest").json().get("status_code").asInt()
                == 500);
        JsonNode latest = get("/api/v1/task/" + id + "/latest").json();
        assertThat(latest.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(latest.get("task_definition_id").asText()).isEqualTo(id);
        assertThat(latest.get("job_name").asText()).isEqualTo(job.getMetadata().getName());
        assertThat(latest.get("logs").asText()).isEqualTo("hi\n");
        assertThat(latest.get("image").asText()).isEqualTo("busybox:1.36");

        // ran once, then disabled, as rego does; counted; nothing pending
        JsonNode task = onlyTask();
        assertThat(task.get("id").asText()).isEqualTo(id);
        assertThat(task.get("enabled").asBoolean()).isFalse();
        assertThat(task.get("execution_counter").asInt()).isEqualTo(1);
        assertThat(task.get("execution_interval").asInt()).isZero();
        assertThat(task.get("metadata").get("client_id").asText()).isEqualTo("acme");
        assertThat(get("/api/v1/task/pending").json()).isEmpty();
        // its execution is a flow run like any other
        assertThat(get("/api/executions?flow=task-" + id).json().get(0).get("trigger").asText()).isEqualTo("task");
    }

    @Test
    void aFailedContainerIsAppErrorAndRerunRunsItAgain() {
        String id = regoPost("/api/v1/task", "{\"image\": \"busybox\", \"cmd\": [\"false\"]}").json().get("id")
                .asText();
        Job first = driver.awaitJob();
        driver.podEnded(first, 1, "boom\n");
        driver.fail(first, "BackoffLimitExceeded");
        await().atMost(WAIT).until(() -> get("/api/v1/task/" + id + "/latest").json().path("status_code").asInt()
                == 420);
        assertThat(get("/api/v1/task/" + id + "/latest").json().get("status").asText()).isEqualTo("APP_ERROR");

        Response rerun = regoPost("/api/v1/task/" + id + "/rerun", null);
        assertThat(rerun.status()).as(rerun.body()).isEqualTo(200);
        String execution = rerun.json().get("execution_id").asText();
        await().atMost(WAIT).until(() -> driver.jobs().size() == 2);
        assertThat(get("/api/v1/task/" + id + "/latest").json().get("id").asText()).isEqualTo(execution);
        assertThat(onlyTask().get("enabled").asBoolean()).as("rerun enables the task again").isTrue();

        // abort: the Job is deleted, the execution ends ABORTED
        Job second = driver.jobs().stream().filter(j -> !j.getMetadata().getName()
                .equals(first.getMetadata().getName())).findFirst().orElseThrow();
        Response abort = regoPost("/api/v1/execution/" + execution + "/abort", null);
        assertThat(abort.status()).as(abort.body()).isEqualTo(200);
        assertThat(abort.json().get("message").asText()).isEqualTo("aborted");
        await().atMost(WAIT).until(() -> driver.gone(second.getMetadata().getName()));
        await().atMost(WAIT).until(() -> get("/api/v1/task/" + id + "/latest").json().get("status_code").asInt()
                == 430);
        assertThat(regoPost("/api/v1/execution/" + execution + "/abort", null).status()).isEqualTo(404);
    }

    @Test
    void aPeriodicTaskIsScheduledUpdatedDisabledDeletedAndSurvivesARestart() throws Exception {
        String id = regoPost("/api/v1/task", "{\"image\": \"busybox\", \"name\": \"hourly\","
                + " \"execution_interval\": 3600}").json().get("id").asText();
        Job first = driver.awaitJob();
        driver.podEnded(first, 0, "");
        driver.succeed(first);
        await().atMost(WAIT).until(() -> onlyTask().get("execution_counter").asInt() == 1);
        JsonNode task = onlyTask();
        assertThat(task.get("enabled").asBoolean()).isTrue();
        OffsetDateTime next = OffsetDateTime.parse(task.get("next_execution_time").asText());
        assertThat(next).isAfter(OffsetDateTime.now().plusMinutes(59));
        assertThat(service.get("/api/flows").json().get("flows").findValuesAsText("name")).contains("task-" + id);

        // a definition that does not validate changes nothing
        Response bad = send("PUT", "/api/v1/task", "{\"id\": \"" + id + "\", \"metadata\": {\"backoffLimit\": \"x\"}}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("field 'metadata'", "backoffLimit");
        assertThat(onlyTask().get("metadata").isNull()).isTrue();
        assertThat(driver.jobs()).as("a refused update runs nothing").hasSize(1);

        Response disabled = send("PUT", "/api/v1/task", "{\"id\": \"" + id + "\", \"enabled\": false,"
                + " \"image\": \"busybox:1.37\"}");
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertThat(onlyTask().get("image").asText()).isEqualTo("busybox:1.37");
        assertThat(onlyTask().get("next_execution_time").isNull()).isTrue();
        assertThat(service.service().scheduler().entries()).isEmpty();

        // rerun enables it again: its schedule's first fire is the rerun (no second launch racing it)
        Response rerun = regoPost("/api/v1/task/" + id + "/rerun", null);
        assertThat(rerun.status()).as(rerun.body()).isEqualTo(200);
        assertThat(service.service().scheduler().entries()).hasSize(1);
        Job second = awaitJobs(2);
        assertThat(get("/api/v1/task/" + id + "/latest").json().get("id").asText())
                .as(() -> get("/api/executions?flow=task-" + id).body())
                .isEqualTo(rerun.json().get("execution_id").asText());
        finish(second);
        await().atMost(WAIT).until(() -> onlyTask().get("execution_counter").asInt() == 2);
        assertThat(get("/api/executions?flow=task-" + id + "&status=skipped").json()).isEmpty();

        // stored in the database: after a restart the task is back, scheduled
        service.close();
        service = new ServiceFixture(root);
        service.set("KUBECONFIG", mock.kubeconfig(root.resolve("kube")).toString());
        service.start();
        assertThat(onlyTask().get("image").asText()).isEqualTo("busybox:1.37");
        assertThat(service.service().scheduler().entries()).singleElement()
                .satisfies(e -> assertThat(e.everySeconds()).isEqualTo(3600));
        Job third = awaitJobs(3);
        assertThat(third.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("busybox:1.37");
        finish(third);
        await().atMost(WAIT).until(() -> onlyTask().get("execution_counter").asInt() == 3);

        // deleted while its Job runs: the run is aborted and the Job deleted. The counter counts the third run from
        // its start, and that run ends only once the Job watch has seen the Job finish: until then a rerun is
        // refused (409, the flow's lock), so ask again until it is admitted
        await().atMost(WAIT).until(() -> regoPost("/api/v1/task/" + id + "/rerun", null).status() == 200);
        Job running = awaitJobs(4);
        Response deleted = send("DELETE", "/api/v1/task/" + id, null);
        await().atMost(WAIT).until(() -> driver.gone(running.getMetadata().getName()));
        assertThat(deleted.json().get("message").asText()).isEqualTo("deleted");
        assertThat(get("/api/v1/task").json()).isEmpty();
        assertThat(service.service().scheduler().entries()).isEmpty();
        assertThat(Files.exists(root.resolve("data/tasks/task-" + id + ".yml"))).isFalse();
        assertThat(send("DELETE", "/api/v1/task/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedAndRegosHeaderCarriesTheToken() {
        assertThat(service.send(HttpRequest.newBuilder(java.net.URI.create(service.url("/api/v1/task")))
                .header("X-Rego-Api-Key", "wrong").GET()).status()).isEqualTo(401);
        assertThat(service.send(HttpRequest.newBuilder(java.net.URI.create(service.url("/api/v1/task"))).GET())
                .status()).isEqualTo(401);
        assertThat(regoPost("/api/v1/task", "{\"name\": \"no image\"}").json().get("error").asText())
                .isEqualTo("missing field 'image'");
        assertThat(regoPost("/api/v1/task", "{\"image\": \"x\", \"execution_interval\": -5}").status())
                .isEqualTo(400);
        assertThat(regoPost("/api/v1/task", "{\"image\": \"x\", \"colour\": \"red\"}").json().get("error").asText())
                .startsWith("unknown field 'colour'");
        assertThat(regoPost("/api/v1/task", "{\"image\": \"x\", \"metadata\": [1]}").status()).isEqualTo(400);
        // fields rego's model owns are accepted and ignored, so a client can echo a definition back
        Response echoed = regoPost("/api/v1/task", "{\"image\": \"busybox\", \"execution_counter\": 7,"
                + " \"deleted\": true, \"enabled\": false}");
        assertThat(echoed.status()).as(echoed.body()).isEqualTo(200);
        assertThat(echoed.json().at("/task/deleted").asBoolean()).isFalse();
        assertThat(get("/api/v1/task/pending").json()).isEmpty();
        assertThat(driver.jobs()).as("a disabled one-time task does not run").isEmpty();
        // enabled, it runs
        String echoedId = echoed.json().get("id").asText();
        assertThat(send("PUT", "/api/v1/task", "{\"id\": \"" + echoedId + "\", \"enabled\": true}").status())
                .isEqualTo(200);
        finish(driver.awaitJob());
        await().atMost(WAIT).until(() -> get("/api/v1/task/" + echoedId + "/latest").json().path("status_code")
                .asInt() == 500);

        Response longName = regoPost("/api/v1/task", "{\"image\": \"x\", \"name\": \"" + "n".repeat(300) + "\"}");
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.json().get("error").asText()).isEqualTo("field 'name': at most 253 characters, got 300");
        assertThat(regoPost("/api/v1/task", "{\"image\": \"x\", \"namespace\": \"Not_A_Namespace\"}").json()
                .get("error").asText()).startsWith("field 'namespace': expected a Kubernetes namespace name");
        assertThat(get("/api/v1/task").json()).hasSize(1);
        // rego's CLI lists with a trailing slash
        assertThat(get("/api/v1/task/").json()).hasSize(1);
        assertThat(send("PUT", "/api/v1/task", "{\"id\": \"nope\", \"image\": \"x\"}").status()).isEqualTo(404);
        assertThat(regoPost("/api/v1/task/nope/rerun", null).status()).isEqualTo(404);
        assertThat(get("/api/v1/task/nope/latest").status()).isEqualTo(404);
    }

    /** Waits for the {@code count}th Job and returns the one that has not ended. */
    private Job awaitJobs(int count) {
        await().atMost(WAIT).until(() -> driver.jobs().size() == count);
        return driver.jobs().stream().filter(j -> j.getStatus() == null || j.getStatus().getSucceeded() == null)
                .findFirst().orElseThrow();
    }

    private void finish(Job job) {
        driver.podEnded(job, 0, "");
        driver.succeed(job);
    }

    private JsonNode onlyTask() {
        JsonNode tasks = get("/api/v1/task").json();
        assertThat(tasks).hasSize(1);
        return tasks.get(0);
    }

    private Response get(String path) {
        return service.send(rego(path).GET());
    }

    private Response regoPost(String path, String body) {
        return send("POST", path, body);
    }

    private Response send(String method, String path, String body) {
        return service.send(rego(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** As rego's CLI sends it: the key in X-Rego-Api-Key, no Content-Type. */
    private HttpRequest.Builder rego(String path) {
        return HttpRequest.newBuilder(java.net.URI.create(service.url(path))).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").header("X-Rego-Api-Key", ServiceFixture.TOKEN);
    }
}
