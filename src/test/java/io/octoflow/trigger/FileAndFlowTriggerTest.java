package io.octoflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.support.ServiceFixture;

/**
 * {@code trigger: file} and {@code trigger: flow} on a started service: one run per file (moved after it, to .error
 * when the run fails, not run again after a restart), a flow run after another one ends with a listed status (with
 * its final data as input), chains bounded, and triggers following the flows directory's deploys and removals.
 */
class FileAndFlowTriggerTest {

    @TempDir
    Path root;
    ServiceFixture service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private ServiceFixture started() throws Exception {
        service = new ServiceFixture(root).set("FILE_TRIGGER_POLL_MILLIS", "200");
        return service;
    }

    private List<JsonNode> runs(String path) {
        List<JsonNode> runs = new ArrayList<>();
        service.get("/api/executions?path=" + path).json().forEach(runs::add);
        return runs;
    }

    private List<JsonNode> endedRuns(String path, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs(path).stream()
                .filter(r -> !r.path("status").asText().equals("running")).count() >= count);
        List<JsonNode> runs = new ArrayList<>();
        for (JsonNode run : runs(path)) {
            runs.add(service.get("/api/executions/" + run.path("id").asText()).json());
        }
        return runs;
    }

    @Test
    void eachFileIsOneRunThenMovedAFailedRunGoesToErrorAndARestartDoesNotRunItAgain() throws Exception {
        started();
        service.files().flow("inbox.yml", """
                name: inbox
                trigger:
                  file:
                    path: inbox
                    pattern: "*.json"
                steps:
                  - name: check
                    type: jq
                    jq:
                      expression: 'if .ok then .n else error("not ok") end'
                      data_key: __input__
                  - name: seen
                    type: set_fact
                    set_fact:
                      value: "{{ __trigger__.file_name }}"
                """);
        service.start();
        Path inbox = service.files().data().resolve("inbox");
        Files.writeString(inbox.resolve("a.json"), "{\"ok\": true, \"n\": 1}");
        Files.writeString(inbox.resolve("b.json"), "{\"ok\": false}");
        Files.writeString(inbox.resolve("ignored.txt"), "not matched by the pattern");

        List<JsonNode> runs = endedRuns("inbox.yml", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done/a.json"))
                && Files.exists(inbox.resolve(".error/b.json")));
        assertThat(runs).hasSize(2);
        assertThat(runs).allSatisfy(run -> assertThat(run.path("trigger").asText()).isEqualTo("file"));
        JsonNode ok = runs.stream().filter(r -> r.path("status").asText().equals("success")).findFirst().orElseThrow();
        assertThat(ok.path("data").path("seen").asText()).isEqualTo("a.json");
        assertThat(ok.path("input").path("n").asInt()).isEqualTo(1);
        assertThat(ok.path("data").path("__trigger__").path("file").asText()).isEqualTo("inbox/a.json");
        assertThat(runs).filteredOn(r -> r.path("status").asText().equals("failed")).hasSize(1);
        assertThat(inbox.resolve("a.json")).doesNotExist();
        assertThat(inbox.resolve("ignored.txt")).exists();

        // the same file back, unchanged (name, size, date), after a restart: taken already, not run again
        FileTime modified = Files.getLastModifiedTime(inbox.resolve(".done/a.json"));
        service.stop();
        Files.copy(inbox.resolve(".done/a.json"), inbox.resolve("a.json"));
        Files.setLastModifiedTime(inbox.resolve("a.json"), modified);
        service.start();
        Files.writeString(inbox.resolve("c.json"), "{\"ok\": true, \"n\": 3}");
        endedRuns("inbox.yml", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(".done/c.json")));
        assertThat(runs("inbox.yml")).hasSize(3);
        assertThat(inbox.resolve("a.json")).exists();
    }

    @Test
    void aFlowRunsAfterAnotherEndsWithAListedStatusWithItsFinalDataAsInput() throws Exception {
        started();
        service.files().flow("first.yml", """
                name: first
                steps:
                  - name: total
                    type: jq
                    jq:
                      expression: '(.fail // false) as $f | if $f then error("asked to fail") else 5 end'
                      data_key: __input__
                """);
        service.files().flow("after_success.yml", """
                name: after success
                trigger:
                  flow:
                    name: first
                steps:
                  - name: got
                    type: set_fact
                    set_fact:
                      value: "{{ __input__.total }} from {{ __trigger__.flow }} ({{ __trigger__.status }})"
                """);
        service.files().flow("after_failure.yml", """
                name: after failure
                trigger:
                  flow:
                    name: first.yml
                    status: [failed, timeout]
                steps:
                  - name: got
                    type: set_fact
                    set_fact:
                      value: "{{ __trigger__.status }} depth {{ __trigger__.chain_depth }}"
                """);
        service.start();

        assertThat(service.post("/api/flows/launch", "{\"path\": \"first.yml\"}").status()).isEqualTo(202);
        JsonNode success = endedRuns("after_success.yml", 1).get(0);
        assertThat(success.path("trigger").asText()).isEqualTo("flow");
        assertThat(success.path("data").path("got").asText()).isEqualTo("5 from first (success)");
        assertThat(success.path("input").path("total").asInt()).isEqualTo(5);

        assertThat(service.post("/api/flows/launch", "{\"path\": \"first.yml\", \"data\": {\"fail\": true}}")
                .status()).isEqualTo(202);
        JsonNode failure = endedRuns("after_failure.yml", 1).get(0);
        assertThat(failure.path("data").path("got").asText()).isEqualTo("failed depth 1");
        // each status filter saw only its own end
        endedRuns("first.yml", 2);
        assertThat(runs("after_success.yml")).hasSize(1);
        assertThat(runs("after_failure.yml")).hasSize(1);
    }

    @Test
    void aCycleOfFlowTriggersStopsAtTheMaximumDepth() throws Exception {
        started().set("FLOW_TRIGGER_MAX_DEPTH", "3");
        service.files().flow("ping.yml", """
                name: ping
                trigger:
                  flow:
                    name: pong
                steps:
                  - name: hit
                    type: set_fact
                    set_fact:
                      value: ping
                """);
        service.files().flow("pong.yml", """
                name: pong
                trigger:
                  flow:
                    name: ping
                steps:
                  - name: hit
                    type: set_fact
                    set_fact:
                      value: pong
                """);
        service.start();
        service.post("/api/flows/launch", "{\"path\": \"ping.yml\"}");
        // ping (launched) -> pong 1 -> ping 2 -> pong 3, then the chain stops
        endedRuns("pong.yml", 2);
        endedRuns("ping.yml", 2);
        List<JsonNode> pongs = endedRuns("pong.yml", 2);
        assertThat(pongs).extracting(r -> r.path("data").path("__trigger__").path("chain_depth").asInt())
                .containsExactlyInAnyOrder(1, 3);
        assertThat(runs("ping.yml")).hasSize(2);
    }

    @Test
    void triggersFollowTheFlowsDirectoryAndASecondFlowOnATakenWebhookPathIsNotDeployed() throws Exception {
        started();
        service.files().flow("a.yml", """
                name: a
                trigger:
                  webhook:
                    path: shared
                steps:
                  - name: x
                    type: set_fact
                    set_fact:
                      value: a
                """);
        service.files().flow("b.yml", """
                name: b
                trigger:
                  webhook:
                    path: shared
                steps:
                  - name: x
                    type: set_fact
                    set_fact:
                      value: b
                """);
        service.start();
        JsonNode invalid = service.get("/api/flows").json().path("invalid_files");
        assertThat(invalid).hasSize(1);
        assertThat(invalid.get(0).path("path").asText()).isEqualTo("b.yml");
        JsonNode problem = invalid.get(0).path("problems").get(0);
        assertThat(problem.path("line").asInt()).isEqualTo(3);
        assertThat(problem.path("message").asText()).contains("trigger.webhook: webhook path 'shared' is already"
                + " taken by a.yml:3:3 (flow 'a')");
        assertThat(service.post("/hooks/shared", "{}").json().path("path").asText()).isEqualTo("a.yml");

        // a's file changes its path: the old one is gone, the new one answers
        service.files().flow("a.yml", """
                name: a
                trigger:
                  webhook:
                    path: moved
                steps:
                  - name: x
                    type: set_fact
                    set_fact:
                      value: a
                """);
        await().atMost(Duration.ofSeconds(30)).until(() -> service.post("/hooks/moved", "{}").status() == 202);
        assertThat(service.post("/hooks/shared", "{}").status()).isEqualTo(404);
        // b saved again: its path is free now
        Files.writeString(service.files().flows().resolve("b.yml"),
                Files.readString(service.files().flows().resolve("b.yml")) + "\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> service.post("/hooks/shared", "{}").status() == 202);
        // a removed: its hook goes with it
        Files.delete(service.files().flows().resolve("a.yml"));
        await().atMost(Duration.ofSeconds(30)).until(() -> service.post("/hooks/moved", "{}").status() == 404);
    }
}
