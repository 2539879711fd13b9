package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/**
 * The spooler's API ({@code /api/v1}) on a real service, through a real HTTP client: every endpoint, every error
 * code, filters and paging, and the sequence a spooler user runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpoolerApiTest {

    /** Python's isoformat() in Asia/Tokyo: seconds, optional microseconds, +09:00. */
    private static final String TOKYO_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{6})?\\+09:00";

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root).set("TIMEZONE", "Asia/Tokyo")
                .set("CONFIG_FILE", root.resolve("data/config.yml").toString());
        service.files().flow("hello.yml", """
                name: hello
                steps:
                  - name: greeting
                    type: set_fact
                    set_fact:
                      value: "hello {{ __input__.who }}"
                """);
        service.files().flow("reports/nightly.yml", """
                name: nightly
                steps:
                  - name: done
                    type: set_fact
                    set_fact:
                      value: nightly
                """);
        service.files().flow("fails.yml", """
                name: fails
                steps:
                  - name: tolerated
                    type: rest
                    ignore_errors: [".*"]
                    rest:
                      uri: http://127.0.0.1:1/nothing-listens-here
                  - name: call
                    type: rest
                    rest:
                      uri: http://127.0.0.1:1/nothing-listens-here
                """);
        service.files().flow("bye.yml", """
                name: bye
                steps:
                  - name: leave
                    type: exit
                    exit:
                      message: nothing to do
                """);
        service.files().flow("slow.yml", """
                name: slow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 3
                """);
        service.files().flow("very slow.yml", """
                name: very slow
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 30
                """);
        service.files().flow("tick.yml", "name: tick\nsteps:\n  - name: a\n    type: debug\n");
        service.files().flow("autostarted.yml", "name: autostarted\nsteps:\n  - name: a\n    type: debug\n");
        service.files().flow("broken.yml", """
                name: broken
                steps:
                  - name: what
                    type: no_such_type
                """);
        Files.writeString(root.resolve("data/config.yml"), """
                autostart_flows:
                  - path: autostarted.yml
                    cron: "0 4 * * *"
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    // --- authentication and description ---

    @Test
    void everyEndpointWantsTheBearerTokenAndAnswersTheSpoolersUnauthorized() {
        List<HttpRequest.Builder> requests = List.of(
                raw("/api/v1/jobs").GET(), raw("/api/v1/jobs/x").GET(), raw("/api/v1/jobs").DELETE(),
                raw("/api/v1/jobs/x").DELETE(), json(raw("/api/v1/jobs"), "{\"path\": \"hello.yml\"}"),
                raw("/api/v1/schedules").GET(), json(raw("/api/v1/schedules"), "{\"path\": \"tick.yml\"}"),
                raw("/api/v1/schedules/x").DELETE(), raw("/api/v1/logs").GET());
        for (HttpRequest.Builder request : requests) {
            Response response = service.send(request);
            assertThat(response.status()).as(request.build().uri().toString()).isEqualTo(401);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(response.json().get("error").asText()).isEqualTo("Unauthorized");
        }
        Response wrong = service.send(raw("/api/v1/jobs").header("Authorization", "Bearer nope").GET());
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).isEqualTo("Unauthorized");
        assertThat(runsOf("hello.yml")).as("a refused launch runs nothing").isEmpty();
    }

    @Test
    void swaggerDescribesEveryRoutedEndpointAndIsOpen() {
        Response swagger = service.send(raw("/static/swagger.json").GET());
        assertThat(swagger.status()).isEqualTo(200);
        assertThat(swagger.header("Content-Type")).startsWith("application/json");
        JsonNode doc = swagger.json();
        assertThat(doc.get("swagger").asText()).isEqualTo("2.0");
        assertThat(doc.get("basePath").asText()).isEqualTo("/api/v1");
        List<String> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    operations.add(method.toUpperCase() + " " + path.getKey());
                }
            });
        }
        assertThat(operations).containsExactlyInAnyOrder("POST /jobs", "GET /jobs", "DELETE /jobs",
                "GET /jobs/{job_id}", "DELETE /jobs/{job_id}", "GET /schedules", "POST /schedules",
                "DELETE /schedules/{schedule_id}", "GET /logs");
        // every documented operation is routed: without a token each answers the API's 401, not a 404 page
        for (String operation : operations) {
            String[] parts = operation.split(" ");
            String path = "/api/v1" + parts[1].replaceAll("\\{[a-z_]+}", "some-id");
            HttpRequest.Builder request = raw(path).method(parts[0], parts[0].equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
            assertThat(service.send(request).status()).as(operation).isEqualTo(401);
        }
    }

    @Test
    void regoTaskApiStillAnswersBesideIt() {
        Response tasks = service.get("/api/v1/task");
        assertThat(tasks.status()).isEqualTo(200);
        assertThat(tasks.json().isArray()).isTrue();
    }

    // --- jobs ---

    @Test
    void aLaunchedJobRunsWithItsDataAsInputAndReadsAsASpoolerJob() {
        Response launched = service.post("/api/v1/jobs", "{\"path\": \"hello.yml\", \"data\": {\"who\": \"Ada\"}}");
        assertThat(launched.status()).isEqualTo(202);
        assertThat(fieldNames(launched.json())).containsExactly("job_id");
        String id = launched.json().get("job_id").asText();

        JsonNode job = finished(id);
        assertThat(fieldNames(job)).containsExactly("id", "meta", "state", "status", "start_time", "end_time",
                "result", "errors");
        assertThat(job.get("id").asText()).isEqualTo(id);
        assertThat(job.get("state").asText()).isEqualTo("finished");
        assertThat(job.get("status").asText()).isEqualTo("success");
        assertThat(job.get("start_time").asText()).matches(TOKYO_TIME);
        assertThat(job.get("end_time").asText()).matches(TOKYO_TIME);
        assertThat(OffsetDateTime.parse(job.get("end_time").asText()))
                .isAfterOrEqualTo(OffsetDateTime.parse(job.get("start_time").asText()));
        assertThat(job.get("result").get("greeting").asText()).isEqualTo("hello Ada");
        assertThat(job.get("errors").isNull()).as("a success has no end message").isTrue();
        JsonNode meta = job.get("meta");
        assertThat(fieldNames(meta)).containsExactly("flow_path", "payload", "timeout", "source");
        assertThat(meta.get("flow_path").asText()).isEqualTo("hello.yml");
        assertThat(meta.get("payload").get("who").asText()).isEqualTo("Ada");
        assertThat(meta.get("timeout").asLong()).isEqualTo(30); // FLOW_TIMEOUT_SECONDS of the fixture
        assertThat(meta.get("source").asText()).isEqualTo("api");
    }

    @Test
    void flowsAreAddressedByTheirPathUnderFlowsPath() {
        String id = launch("{\"path\": \"reports/nightly.yml\"}");
        JsonNode job = finished(id);
        assertThat(job.get("meta").get("flow_path").asText()).isEqualTo("reports/nightly.yml");
        assertThat(job.get("meta").get("payload").isNull()).isTrue();
        assertThat(job.get("result").get("done").asText()).isEqualTo("nightly");
        // the flow's name is not a path
        assertThat(service.post("/api/v1/jobs", "{\"path\": \"nightly\"}").status()).isEqualTo(404);
    }

    @Test
    void failedExitedAndTimedOutRunsMapToTheSpoolersStatuses() {
        JsonNode failed = finished(launch("{\"path\": \"fails.yml\"}"));
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        // errors: the run's end message, as text; the flow's own __errors__ are in the result
        assertThat(failed.get("errors").isTextual()).isTrue();
        assertThat(failed.get("errors").asText()).contains("call");
        assertThat(failed.get("result").get("__errors__").get(0).get("step").asText()).isEqualTo("tolerated");

        JsonNode exited = finished(launch("{\"path\": \"bye.yml\"}"));
        assertThat(exited.get("status").asText()).isEqualTo("exit");

        JsonNode timedOut = finished(launch("{\"path\": \"very slow.yml\", \"timeout_seconds\": 1}"));
        assertThat(timedOut.get("state").asText()).isEqualTo("finished");
        assertThat(timedOut.get("status").asText()).isEqualTo("failed");
        assertThat(timedOut.get("errors").asText()).contains("timed out");
    }

    @Test
    void launchErrorsAreJsonWithTheSpoolersCodes() {
        assertError(service.post("/api/v1/jobs", "{}"), 400, "path");
        assertError(service.post("/api/v1/jobs", ""), 400, "JSON");
        assertError(service.post("/api/v1/jobs", "{\"path\": "), 400, "malformed JSON");
        assertError(service.post("/api/v1/jobs", "{\"path\": \"hello.yml\", \"timeout\": 5}"), 400, "timeout");
        assertError(service.post("/api/v1/jobs", "{\"path\": \"hello.yml\", \"timeout_seconds\": \"x\"}"), 400,
                "timeout_seconds");
        assertError(service.post("/api/v1/jobs", "{\"path\": \"missing.yml\"}"), 404, "missing.yml");
        assertError(service.post("/api/v1/jobs", "{\"path\": \"../outside.yml\"}"), 400, "path");
        Response broken = service.post("/api/v1/jobs", "{\"path\": \"broken.yml\"}");
        assertError(broken, 400, "broken.yml");
        assertThat(broken.json().get("error").asText()).contains("line 4");
        assertThat(broken.json().get("details").get(0).get("line").asInt()).isEqualTo(4);

        String running = launch("{\"path\": \"slow.yml\"}");
        assertError(service.post("/api/v1/jobs", "{\"path\": \"slow.yml\"}"), 409, "already running");
        JsonNode job = service.get("/api/v1/jobs/" + running).json();
        assertThat(job.get("state").asText()).isEqualTo("running");
        assertThat(job.get("status").asText()).isEqualTo("unknown");
        assertThat(job.get("end_time").isNull()).isTrue();
        assertThat(job.get("result").isNull()).isTrue();
        assertThat(job.get("errors").isNull()).isTrue();
        assertThat(fieldNames(job.get("meta"))).containsExactly("flow_path", "payload", "timeout", "source");
        // a running job is not deleted
        assertError(service.delete("/api/v1/jobs/" + running), 409, "running");
        finished(running);
    }

    @Test
    void listingFiltersPagesAndSortsNewestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(launch("{\"path\": \"reports/nightly.yml\"}"));
            finished(ids.get(i));
        }
        String failed = launch("{\"path\": \"fails.yml\"}");
        finished(failed);

        JsonNode page = service.get("/api/v1/jobs").json();
        assertThat(fieldNames(page)).containsExactly("jobs", "limit", "offset");
        assertThat(page.get("limit").asInt()).isEqualTo(50);
        assertThat(page.get("offset").asInt()).isZero();
        JsonNode first = page.get("jobs").get(0);
        assertThat(fieldNames(first)).containsExactly("id", "meta", "errors", "state", "status", "start_time",
                "end_time");
        assertThat(first.get("id").asText()).isEqualTo(failed);
        assertThat(first.get("errors").asText()).contains("call");
        List<Instant> starts = new ArrayList<>();
        page.get("jobs").forEach(j -> starts.add(OffsetDateTime.parse(j.get("start_time").asText()).toInstant()));
        assertThat(starts).isSortedAccordingTo((a, b) -> b.compareTo(a));

        // paging: the second page of two starts where the first ended
        assertThat(ids(service.get("/api/v1/jobs?limit=2").json())).containsExactly(failed, ids.get(2));
        JsonNode second = service.get("/api/v1/jobs?limit=2&offset=2").json();
        assertThat(second.get("limit").asInt()).isEqualTo(2);
        assertThat(second.get("offset").asInt()).isEqualTo(2);
        assertThat(ids(second)).startsWith(ids.get(1), ids.get(0));
        assertThat(service.get("/api/v1/jobs?limit=0").json().get("jobs")).isEmpty();

        // state and status
        assertThat(statuses(service.get("/api/v1/jobs?status=failed").json())).containsOnly("failed").isNotEmpty();
        assertThat(ids(service.get("/api/v1/jobs?status=failed").json())).contains(failed).doesNotContain(ids.get(0));
        assertThat(ids(service.get("/api/v1/jobs?state=finished&status=success").json()))
                .contains(ids.toArray(String[]::new)).doesNotContain(failed);
        assertThat(service.get("/api/v1/jobs?state=pending").json().get("jobs")).isEmpty();
        assertThat(service.get("/api/v1/jobs?status=error").json().get("jobs")).isEmpty();
        assertError(service.get("/api/v1/jobs?state=done"), 400, "state");
        assertError(service.get("/api/v1/jobs?status=ok"), 400, "status");
        assertError(service.get("/api/v1/jobs?limit=many"), 400, "limit");
        assertError(service.get("/api/v1/jobs?offset=-1"), 400, "offset");

        // times: inclusive bounds on start and end, ISO 8601 with or without offset, or Unix seconds
        JsonNode middle = service.get("/api/v1/jobs/" + ids.get(1)).json();
        String start = middle.get("start_time").asText();
        String end = middle.get("end_time").asText();
        assertThat(ids(service.get("/api/v1/jobs?start_time_from=" + enc(start) + "&start_time_to=" + enc(start))
                .json())).containsExactly(ids.get(1));
        assertThat(ids(service.get("/api/v1/jobs?end_time_from=" + enc(end) + "&end_time_to=" + enc(end)).json()))
                .containsExactly(ids.get(1));
        assertThat(ids(service.get("/api/v1/jobs?start_time_from=" + enc(start)).json()))
                .contains(ids.get(1), ids.get(2), failed).doesNotContain(ids.get(0));
        assertThat(ids(service.get("/api/v1/jobs?start_time_to=" + enc(start)).json()))
                .contains(ids.get(0), ids.get(1)).doesNotContain(ids.get(2), failed);
        long epoch = OffsetDateTime.parse(start).toEpochSecond();
        assertThat(ids(service.get("/api/v1/jobs?start_time_from=" + (epoch + 1)).json())).doesNotContain(ids.get(0));
        // without an offset the time is read in TIMEZONE (Tokyo): a space-separated local time
        String local = OffsetDateTime.parse(start).toLocalDateTime().withNano(0).toString().replace('T', ' ');
        assertThat(ids(service.get("/api/v1/jobs?start_time_from=" + enc(local)).json())).contains(ids.get(1));
        assertThat(service.get("/api/v1/jobs?start_time_to=2001-01-01").json().get("jobs")).isEmpty();
        assertError(service.get("/api/v1/jobs?end_time_from=yesterday"), 400, "end_time_from");
    }

    @Test
    void jobsAreDeletedOneByOneAndByFilter() {
        String ok = launch("{\"path\": \"bye.yml\"}");
        finished(ok);
        Response deleted = service.delete("/api/v1/jobs/" + ok);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asInt()).isEqualTo(1);
        assertThat(deleted.json().get("job_id").asText()).isEqualTo(ok);
        assertError(service.get("/api/v1/jobs/" + ok), 404, "Job not found");
        assertError(service.delete("/api/v1/jobs/" + ok), 404, "Job not found");
        assertError(service.delete("/api/v1/jobs/no-such-job"), 404, "Job not found");

        String failed = launch("{\"path\": \"fails.yml\"}");
        finished(failed);
        Response none = service.delete("/api/v1/jobs?older_than_days=1&status=failed");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().get("deleted").asInt()).isZero();
        assertThat(none.json().get("older_than_days").asInt()).isEqualTo(1);
        assertThat(none.json().get("status").asText()).isEqualTo("failed");
        assertThat(none.json().get("state").isNull()).isTrue();

        Response byStatus = service.delete("/api/v1/jobs?status=failed&state=finished");
        assertThat(byStatus.json().get("deleted").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(byStatus.json().get("state").asText()).isEqualTo("finished");
        assertThat(service.get("/api/v1/jobs/" + failed).status()).isEqualTo(404);
        assertThat(service.get("/api/v1/jobs?status=failed").json().get("jobs")).isEmpty();
        assertThat(service.delete("/api/v1/jobs?state=running").json().get("deleted").asInt()).isZero();

        assertError(service.delete("/api/v1/jobs?older_than_days=soon"), 400, "older_than_days");
        assertError(service.delete("/api/v1/jobs?status=gone"), 400, "status");
    }

    // --- schedules ---

    @Test
    void schedulesListAddAndRemoveWithTheSpoolersCodes() {
        JsonNode autostarted = schedule("autostarted.yml");
        assertThat(fieldNames(autostarted)).containsExactly("id", "path", "cron", "every_seconds", "timeout_seconds",
                "last_job_id", "running");
        assertThat(autostarted.get("cron").asText()).isEqualTo("0 4 * * *");
        assertThat(autostarted.get("every_seconds").isNull()).isTrue();
        assertThat(autostarted.get("timeout_seconds").asInt()).isEqualTo(30);
        assertThat(autostarted.get("last_job_id").isNull()).isTrue();
        assertThat(autostarted.get("running").asBoolean()).isFalse();

        assertError(service.post("/api/v1/schedules", "{\"path\": \"autostarted.yml\", \"every_seconds\": 60}"), 409,
                "already scheduled");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"missing.yml\", \"every_seconds\": 60}"), 404,
                "missing.yml");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"broken.yml\", \"every_seconds\": 60}"), 400,
                "broken.yml");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"bye.yml\"}"), 400, "every_seconds");
        assertError(service.post("/api/v1/schedules", "{\"every_seconds\": 60}"), 400, "path");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"bye.yml\", \"every_seconds\": \"often\"}"), 400,
                "every_seconds");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"bye.yml\", \"cron\": \"whenever\"}"), 400,
                "cron");
        assertError(service.post("/api/v1/schedules", "{\"path\": \"bye.yml\", \"cron\": \"0 4 * * *\","
                + " \"every_seconds\": 60}"), 400, "either");

        Response added = service.post("/api/v1/schedules",
                "{\"path\": \"bye.yml\", \"cron\": \"0 5 * * 1\", \"timeout_seconds\": 12}");
        assertThat(added.status()).isEqualTo(201);
        assertThat(fieldNames(added.json())).containsExactly("status", "schedule_id");
        String id = added.json().get("schedule_id").asText();
        assertThat(added.json().get("status").asText()).contains("bye.yml");
        JsonNode listed = schedule("bye.yml");
        assertThat(listed.get("id").asText()).isEqualTo(id);
        assertThat(listed.get("timeout_seconds").asInt()).isEqualTo(12);

        Response removed = service.delete("/api/v1/schedules/" + id);
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().get("status").asText()).contains(id);
        assertThat(schedules()).noneMatch(s -> s.get("path").asText().equals("bye.yml"));
        assertError(service.delete("/api/v1/schedules/" + id), 404, id);
    }

    @Test
    void anEverySecondsScheduleFirstRunsOneIntervalAfterItIsAdded() {
        Instant added = Instant.now();
        Response response = service.post("/api/v1/schedules", "{\"path\": \"tick.yml\", \"every_seconds\": 2}");
        assertThat(response.status()).isEqualTo(201);
        String id = response.json().get("schedule_id").asText();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> !schedule("tick.yml").get("last_job_id").isNull());
            String lastJob = schedule("tick.yml").get("last_job_id").asText();
            JsonNode job = finished(lastJob);
            JsonNode meta = job.get("meta");
            assertThat(fieldNames(meta)).containsExactly("flow_path", "timeout", "schedule_id", "cron",
                    "every_seconds", "source");
            assertThat(meta.get("source").asText()).isEqualTo("scheduler");
            assertThat(meta.get("flow_path").asText()).isEqualTo("tick.yml");
            assertThat(meta.get("schedule_id").asText()).isEqualTo(id);
            assertThat(meta.get("every_seconds").asInt()).isEqualTo(2);
            assertThat(meta.get("cron").isNull()).isTrue();
            assertThat(meta.get("timeout").asInt()).isEqualTo(30);
            Instant firstStart = runsOf("tick.yml").stream()
                    .map(j -> OffsetDateTime.parse(j.get("start_time").asText()).toInstant())
                    .min(Instant::compareTo).orElseThrow();
            assertThat(Duration.between(added, firstStart)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        } finally {
            service.delete("/api/v1/schedules/" + id);
        }
    }

    // --- logs ---

    @Test
    void logsAnswerTheLastLinesOfTheServiceLog() {
        JsonNode logs = service.get("/api/v1/logs?lines=3").json().get("logs");
        assertThat(logs).hasSize(3);
        logs.forEach(line -> assertThat(line.asText()).endsWith("\n"));
        JsonNode defaults = service.get("/api/v1/logs").json().get("logs");
        assertThat(defaults.size()).isBetween(3, 100);
        assertThat(defaults.get(defaults.size() - 1).asText()).isNotBlank();
        assertThat(service.get("/api/v1/logs").body()).doesNotContain(ServiceFixture.TOKEN);
        assertError(service.get("/api/v1/logs?lines=0"), 400, "lines");
        assertError(service.get("/api/v1/logs?lines=ten"), 400, "lines");
    }

    // --- a spooler user's session ---

    @Test
    void aSpoolerClientSchedulesLaunchesPollsReadsAndCleansUp() {
        // schedule a flow file, see it listed
        Response scheduled = service.post("/api/v1/schedules",
                "{\"path\": \"reports/nightly.yml\", \"cron\": \"0 2 * * *\"}");
        assertThat(scheduled.status()).isEqualTo(201);
        String scheduleId = scheduled.json().get("schedule_id").asText();
        assertThat(schedules()).anyMatch(s -> s.get("id").asText().equals(scheduleId)
                && s.get("path").asText().equals("reports/nightly.yml"));

        // launch a job now, poll until it is finished, read its result
        Response launched = service.post("/api/v1/jobs", "{\"path\": \"hello.yml\", \"data\": {\"who\": \"Bob\"},"
                + " \"timeout_seconds\": 60}");
        assertThat(launched.status()).isEqualTo(202);
        String executionId = launched.json().get("job_id").asText();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                service.get("/api/v1/jobs/" + executionId).json().get("state").asText().equals("finished"));
        JsonNode job = service.get("/api/v1/jobs/" + executionId).json();
        assertThat(job.get("status").asText()).isEqualTo("success");
        assertThat(job.get("result").get("greeting").asText()).isEqualTo("hello Bob");
        assertThat(ids(service.get("/api/v1/jobs?state=finished&limit=10").json())).contains(executionId);

        // clean up: the job, then the schedule
        assertThat(service.delete("/api/v1/jobs/" + executionId).status()).isEqualTo(200);
        assertThat(service.get("/api/v1/jobs/" + executionId).status()).isEqualTo(404);
        assertThat(service.delete("/api/v1/schedules/" + scheduleId).status()).isEqualTo(200);
        assertThat(schedules()).noneMatch(s -> s.get("id").asText().equals(scheduleId));
    }

    // --- helpers ---

    private HttpRequest.Builder raw(String path) {
        return HttpRequest.newBuilder(java.net.URI.create(service.url(path))).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.Builder json(HttpRequest.Builder request, String body) {
        return request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private String launch(String body) {
        Response response = service.post("/api/v1/jobs", body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("job_id").asText();
    }

    /** Polls the job as a spooler client does until its state is finished. */
    private JsonNode finished(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                service.get("/api/v1/jobs/" + id).json().get("state").asText().equals("finished"));
        return service.get("/api/v1/jobs/" + id).json();
    }

    private List<JsonNode> runsOf(String path) {
        List<JsonNode> out = new ArrayList<>();
        service.get("/api/v1/jobs?limit=1000").json().get("jobs").forEach(j -> {
            if (j.get("meta").get("flow_path").asText().equals(path)) {
                out.add(j);
            }
        });
        return out;
    }

    private List<JsonNode> schedules() {
        Response response = service.get("/api/v1/schedules");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        response.json().get("schedules").forEach(out::add);
        return out;
    }

    private JsonNode schedule(String path) {
        return schedules().stream().filter(s -> s.get("path").asText().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no schedule for " + path + ": " + schedules()));
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("jobs").forEach(j -> out.add(j.get("id").asText()));
        return out;
    }

    private static List<String> statuses(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("jobs").forEach(j -> out.add(j.get("status").asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void assertError(Response response, int status, String mentions) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.json().get("error").asText()).contains(mentions);
    }
}
