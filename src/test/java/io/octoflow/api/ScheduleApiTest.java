package io.octoflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;
import io.octoflow.support.ServiceFixture.Response;

/** Quartz schedules of a started service: flows' own schedules, schedules added over the API, skipped fires. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleApiTest {

    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

    @TempDir
    static Path root;
    ServiceFixture service;

    @BeforeAll
    void start() throws Exception {
        service = new ServiceFixture(root).set("TIMEZONE", TOKYO.getId());
        service.files().flow("tick.yml", """
                name: tick
                every_seconds: 1
                steps:
                  - name: now
                    type: set_fact
                    set_fact:
                      value: "{{ __timestamp__ }}"
                """);
        service.files().flow("quartz six.yml", """
                name: quartz six
                cron: "*/1 * * * * ?"
                steps:
                  - name: now
                    type: debug
                """);
        service.files().flow("nine am.yml", """
                name: nine am
                cron: "0 9 * * 1-5"
                steps:
                  - name: now
                    type: debug
                    description: the spooler ignores this key
                """);
        service.files().flow("sleepy.yml", """
                name: sleepy
                every_seconds: 1
                steps:
                  - name: nap
                    type: sleep
                    sleep:
                      seconds: 2.5
                """);
        service.files().flow("manual.yml", """
                name: manual
                steps:
                  - name: hello
                    type: set_fact
                    set_fact:
                      value: hi
                """);
        service.start();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    @Test
    void everySecondsFiresAtAFixedRateAndRecordsTheFireTime() {
        await().atMost(Duration.ofSeconds(15)).until(() -> runs("tick", "success").size() >= 3);
        List<JsonNode> runs = runs("tick", "success");
        for (JsonNode run : runs) {
            assertThat(run.get("trigger").asText()).isEqualTo("schedule");
            assertThat(run.get("scheduled_at").isNull()).isFalse();
            // times are shown in TIMEZONE
            assertThat(run.get("started_at").asText()).endsWith("+09:00");
        }
        // consecutive fires are one interval apart, counted from the first fire: fixed rate, no drift
        Instant newest = Instant.from(OffsetDateTime.parse(runs.get(0).get("scheduled_at").asText()));
        Instant oldest = Instant.from(OffsetDateTime.parse(runs.get(runs.size() - 1).get("scheduled_at").asText()));
        long gaps = runs.size() - 1;
        assertThat(Duration.between(oldest, newest).toMillis() % 1000).isZero();
        assertThat(Duration.between(oldest, newest).toSeconds()).isGreaterThanOrEqualTo(gaps);
    }

    @Test
    void quartzSixFieldCronFiresAndFiveFieldCronIsReadInTheTimezone() {
        await().atMost(Duration.ofSeconds(15)).until(() -> runs("quartz six", "success").size() >= 2);

        JsonNode nineAm = flows().stream().filter(f -> f.get("name").asText().equals("nine am")).findFirst()
                .orElseThrow();
        assertThat(nineAm.get("cron").asText()).isEqualTo("0 9 * * 1-5");
        assertThat(nineAm.get("source").asText()).isEqualTo("file");
        ZonedDateTime next = OffsetDateTime.parse(nineAm.get("next_fire").asText()).atZoneSameInstant(TOKYO);
        assertThat(next.getHour()).isEqualTo(9);
        assertThat(next.getMinute()).isZero();
        assertThat(next.getDayOfWeek().getValue()).isBetween(1, 5);
        assertThat(next.toInstant()).isAfter(Instant.now());
        assertThat(next.toInstant()).isBefore(Instant.now().plus(Duration.ofDays(4)));
    }

    @Test
    void aFireThatFindsTheFlowStillRunningIsRecordedSkipped() {
        await().atMost(Duration.ofSeconds(20)).until(() -> !runs("sleepy", "skipped").isEmpty()
                && !runs("sleepy", "success").isEmpty());
        JsonNode skipped = runs("sleepy", "skipped").get(0);
        assertThat(skipped.get("trigger").asText()).isEqualTo("schedule");
        assertThat(skipped.get("error").asText()).contains("still going");
        assertThat(skipped.get("scheduled_at").isNull()).isFalse();
        // never two runs of the flow at once
        List<JsonNode> ran = runs("sleepy", "success");
        for (int i = 1; i < ran.size(); i++) {
            Instant laterStart = OffsetDateTime.parse(ran.get(i - 1).get("started_at").asText()).toInstant();
            Instant earlierEnd = OffsetDateTime.parse(ran.get(i).get("ended_at").asText()).toInstant();
            assertThat(laterStart).isAfterOrEqualTo(earlierEnd);
        }
    }

    @Test
    void aScheduleAddedOverTheApiFiresUntilItIsDeleted() {
        Response added = service.post("/api/flows/add", "{\"path\": \"manual.yml\", \"every_seconds\": 1}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String id = added.json().get("id").asText();
        assertThat(added.json().get("source").asText()).isEqualTo("api");
        assertThat(added.json().get("every_seconds").asInt()).isEqualTo(1);
        assertThat(flows()).anyMatch(f -> f.get("id").asText().equals(id));

        await().atMost(Duration.ofSeconds(15)).until(() -> runs("manual", "success").size() >= 2);
        assertThat(service.delete("/api/flows/" + id).status()).isEqualTo(204);
        assertThat(flows()).noneMatch(f -> f.get("id").asText().equals(id));
        // at most a fire already under way when it was deleted; then nothing
        int after = runs("manual", null).size();
        sleep(Duration.ofMillis(2500));
        assertThat(runs("manual", null).size()).isLessThanOrEqualTo(after + 1);
        int settled = runs("manual", null).size();
        sleep(Duration.ofMillis(2000));
        assertThat(runs("manual", null).size()).isEqualTo(settled);
    }

    @Test
    void aCronScheduleAddedOverTheApiUsesTheCronForm() {
        Response added = service.post("/api/flows/add", "{\"path\": \"manual.yml\", \"cron\": \"30 6 1 * *\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        ZonedDateTime next = OffsetDateTime.parse(added.json().get("next_fire").asText()).atZoneSameInstant(TOKYO);
        assertThat(next.getDayOfMonth()).isEqualTo(1);
        assertThat(next.getHour()).isEqualTo(6);
        assertThat(next.getMinute()).isEqualTo(30);
        assertThat(service.delete("/api/flows/" + added.json().get("id").asText()).status()).isEqualTo(204);
    }

    @Test
    void aFlowWithWarningsIsScheduledAndListedWithThem() {
        JsonNode nineAm = flows().stream().filter(f -> f.get("name").asText().equals("nine am")).findFirst()
                .orElseThrow();
        JsonNode tick = flows().stream().filter(f -> f.get("name").asText().equals("tick")).findFirst()
                .orElseThrow();

        assertThat(iterate(nineAm.get("warnings"))).singleElement().satisfies(w -> {
            assertThat(w.get("line").asInt()).isEqualTo(6);
            assertThat(w.get("severity").asText()).isEqualTo("warning");
            assertThat(w.get("message").asText()).contains("unknown key 'description'");
        });
        assertThat(tick.get("warnings")).isEmpty();
        // every deployed flow carries its warnings too, scheduled or not
        Response answer = service.get("/api/flows");
        JsonNode deployed = iterate(answer.json().get("deployed")).stream()
                .filter(f -> f.get("name").asText().equals("nine am")).findFirst().orElseThrow();
        assertThat(iterate(deployed.get("warnings"))).singleElement()
                .satisfies(w -> assertThat(w.get("message").asText()).contains("unknown key 'description'"));
    }

    private List<JsonNode> flows() {
        Response answer = service.get("/api/flows");
        assertThat(answer.status()).isEqualTo(200);
        return iterate(answer.json().get("flows"));
    }

    private List<JsonNode> runs(String flow, String status) {
        String query = "/api/executions?limit=1000&flow=" + flow.replace(" ", "%20")
                + (status == null ? "" : "&status=" + status);
        Response answer = service.get(query);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return iterate(answer.json());
    }

    private static List<JsonNode> iterate(JsonNode array) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
