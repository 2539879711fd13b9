package io.octoflow.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

class JiraNamesMergeStepTest {

    @TempDir
    Path dir;
    FlowFixture fx;

    @BeforeEach
    void setUp() {
        fx = new FlowFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void customFieldsAreRenamedAndEmptyFieldsDropped() {
        fx.dataFile("search.json", """
                {
                  "expand": "names,schema",
                  "total": 2,
                  "issues": [
                    {"id": "1001", "key": "OPS-1", "fields": {
                      "summary": "Disk full",
                      "customfield_10010": 5,
                      "customfield_10020": {"value": "Platform"},
                      "customfield_10030": null,
                      "customfield_10040": "",
                      "customfield_10050": [],
                      "customfield_99999": "no name known",
                      "labels": [],
                      "description": null,
                      "components": [{"name": "db"}]
                    }},
                    {"id": "1002", "key": "OPS-2", "fields": {
                      "summary": "CPU",
                      "customfield_10010": 0,
                      "customfield_10020": {},
                      "customfield_10030": false
                    }}
                  ],
                  "names": {
                    "summary": "Summary",
                    "customfield_10010": "Story Points",
                    "customfield_10020": "Team",
                    "customfield_10030": "Flagged",
                    "customfield_10040": "Epic Name",
                    "customfield_10050": "Sprint"
                  }
                }
                """);
        fx.flow("jira.yml", """
                name: jira
                steps:
                  - name: search
                    type: file
                    result_key: raw
                    file:
                      path: search.json
                  - name: merge
                    type: jira_names_merge
                    result_key: tickets
                    jira_names_merge:
                      data_key: raw
                  - name: points
                    type: jq
                    jq:
                      expression: '[.[] | {key, points: .fields.story_points}]'
                      data_key: tickets
                """);

        RunResult r = fx.run("jira.yml");

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tickets = (List<Map<String, Object>>) r.data().get("tickets");
        assertThat(tickets).hasSize(2);
        assertThat(tickets.get(0)).containsEntry("id", "1001").containsEntry("key", "OPS-1");
        // names in snake case; None and [] dropped, "" and {} kept, as on the spooler
        assertThat(tickets.get(0).get("fields")).isEqualTo(Map.of(
                "summary", "Disk full",
                "story_points", 5,
                "team", Map.of("value", "Platform"),
                "epic_name", "",
                "customfield_99999", "no name known",
                "components", List.of(Map.of("name", "db"))));
        // zero and false are values, not empty fields
        assertThat(tickets.get(1).get("fields")).isEqualTo(Map.of(
                "summary", "CPU", "story_points", 0, "team", Map.of(), "flagged", false));
        // the response under data_key is changed too (the spooler's issue copies share their fields)
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) r.data().get("raw");
        assertThat(((List<?>) raw.get("issues")).get(0)).isEqualTo(tickets.get(0));
        assertThat(r.data().get("points")).isEqualTo(List.of(
                Map.of("key", "OPS-1", "points", 5), Map.of("key", "OPS-2", "points", 0)));
    }

    @Test
    void listKeyNamesAnotherList() {
        fx.flow("jira_list.yml", """
                name: jira list key
                steps:
                  - name: merge
                    type: jira_names_merge
                    jira_names_merge:
                      data_key: raw
                      list_key: values
                """);

        RunResult r = fx.run("jira_list.yml", Map.of("raw", Map.of(
                "values", List.of(Map.of("key", "A-1", "fields", Map.of("customfield_1", "x"))),
                "names", Map.of("customfield_1", "Colour"))));

        assertThat(r.status()).as(r.error()).isEqualTo(RunStatus.SUCCESS);
        assertThat(r.data().get("merge")).isEqualTo(List.of(Map.of("key", "A-1", "fields", Map.of("colour", "x"))));
    }

    @Test
    void missingNamesIsAnErrorMentioningExpandNames() {
        fx.flow("jira_nonames.yml", """
                name: jira no names
                steps:
                  - name: merge
                    type: jira_names_merge
                    jira_names_merge:
                      data_key: raw
                """);

        RunResult r = fx.run("jira_nonames.yml", Map.of("raw", Map.of(
                "issues", List.of(Map.of("key", "A-1", "fields", Map.of("customfield_1", "x"))))));

        assertThat(r.status()).isEqualTo(RunStatus.FAILED);
        assertThat(r.error()).contains("merge").contains("expand=names");
    }
}
