package io.octoflow.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The comparison and normalization the corpus suite judges Octoflow with: strict, and precise about where. */
class CorpusComparisonTest {

    private static JsonNode json(String text) {
        return CorpusJson.parse(text);
    }

    private static CorpusCase run(String order) {
        return new CorpusCase("f.yml", null, order);
    }

    @Test
    void equalOutcomesHaveNoDifferenceWhateverTheKeyOrder() {
        CorpusOutcome a = new CorpusOutcome("success", json("{\"a\": 1, \"b\": [1, 2]}"), json("{}"), json("[]"));
        CorpusOutcome b = new CorpusOutcome("success", json("{\"b\": [1, 2], \"a\": 1}"), json("{}"), json("[]"));

        assertThat(CorpusComparison.differences(run("sequence"), a, b)).isEmpty();
    }

    @Test
    void anIntegerAndADoubleDifferAndTheReportSaysWhere() {
        assertThat(CorpusComparison.diff("data", json("{\"x\": {\"n\": [1, 150]}}"), json("{\"x\": {\"n\": [1, 150.0]}}")))
                .hasValue("data/x/n/1: expected 150 but was 150.0");
        assertThat(CorpusJson.tree(Map.of("n", 150L))).isEqualTo(json("{\"n\": 150}"));
    }

    @Test
    void missingAndUnexpectedKeysAreNamed() {
        assertThat(CorpusComparison.diff("data", json("{\"a\": 1, \"b\": 2}"), json("{\"a\": 1}")))
                .hasValue("data: missing key 'b' (expected 2)");
        assertThat(CorpusComparison.diff("data", json("{\"a\": 1}"), json("{\"a\": 1, \"c\": null}")))
                .hasValue("data: unexpected key 'c' = null");
    }

    @Test
    void statusComesFirst() {
        CorpusOutcome expected = new CorpusOutcome("success", json("{}"), json("{}"), json("[]"));
        CorpusOutcome actual = new CorpusOutcome("failed", json("{\"a\": 1}"), json("{}"), json("[]"));

        assertThat(CorpusComparison.differences(run("sequence"), expected, actual))
                .containsExactly("status: expected success but was failed", "data: unexpected key 'a' = 1");
    }

    @Test
    void requestsInSequenceMustKeepTheirOrderButAMultisetNeedNot() {
        JsonNode ab = json("[{\"method\": \"GET\", \"host\": \"h\", \"path\": \"/a\"},"
                + " {\"method\": \"GET\", \"host\": \"h\", \"path\": \"/b\"}]");
        JsonNode ba = json("[{\"method\": \"GET\", \"host\": \"h\", \"path\": \"/b\"},"
                + " {\"method\": \"GET\", \"host\": \"h\", \"path\": \"/a\"}]");
        CorpusOutcome expected = new CorpusOutcome("success", json("{}"), json("{}"), ab);
        CorpusOutcome actual = new CorpusOutcome("success", json("{}"), json("{}"), ba);

        assertThat(CorpusComparison.differences(run("sequence"), expected, actual))
                .containsExactly("requests/0/path: expected \"/a\" but was \"/b\"");
        assertThat(CorpusComparison.differences(run("multiset"), expected, actual)).isEmpty();
    }

    @Test
    void aMultisetDifferenceNamesTheFieldOfTheRequestToTheSamePath() {
        JsonNode expected = json("[{\"method\": \"PATCH\", \"host\": \"h\", \"path\": \"/r\", \"body\": {\"job_id\": 1210}},"
                + " {\"method\": \"GET\", \"host\": \"h\", \"path\": \"/r\"}]");
        JsonNode actual = json("[{\"method\": \"GET\", \"host\": \"h\", \"path\": \"/r\"},"
                + " {\"method\": \"PATCH\", \"host\": \"h\", \"path\": \"/r\", \"body\": {\"job_id\": \"1210\"}}]");

        assertThat(CorpusComparison.requestMultiset(expected, actual))
                .hasValue("requests[PATCH h/r]/body/job_id: expected 1210 but was \"1210\"");
        assertThat(CorpusComparison.requestMultiset(expected, json("[{\"method\": \"GET\", \"host\": \"h\", \"path\": \"/r\"}]")))
                .hasValueSatisfying(d -> assertThat(d).startsWith("requests: not received PATCH h/r"));
    }

    @Test
    void volatileValuesAreNormalizedAndNothingElse() {
        CorpusNormalizer normalizer = new CorpusNormalizer(Path.of("/srv/data/flows"), Path.of("/srv/data"));
        JsonNode data = json("{\"__job_id__\": \"5c1f\", \"__timestamp__\": \"20250526101500\","
                + " \"loop\": [[{\"__job_id__\": null, \"__flow_path__\": \"/srv/data/flows/sub.yml\","
                + " \"__timestamp__\": \"20250526101501\", \"id\": \"20250526101500\"}, {}]],"
                + " \"file\": \"/srv/data/output/x.yml\"}");

        assertThat(normalizer.data(data)).isEqualTo(json("{\"__job_id__\": \"<job_id>\", \"__timestamp__\": \"<timestamp>\","
                + " \"loop\": [[{\"__job_id__\": null, \"__flow_path__\": \"${FLOWS_PATH}/sub.yml\","
                + " \"__timestamp__\": \"<timestamp>\", \"id\": \"20250526101500\"}, {}]],"
                + " \"file\": \"${DATA_PATH}/output/x.yml\"}"));
        assertThat(normalizer.fileName("output/result_20250526101500.yml")).isEqualTo("output/result_<timestamp>.yml");
    }

    @Test
    void pyyamlTuplesReadAsListsAndAnchorsResolve() {
        JsonNode parsed = CorpusFiles.yaml("""
                a: &id001
                  k: v
                loop:
                - !!python/tuple
                  - __input__: *id001
                  - type: success
                n: '10000'
                m: 10000
                """);

        assertThat(parsed).isEqualTo(json("{\"a\": {\"k\": \"v\"}, \"loop\": [[{\"__input__\": {\"k\": \"v\"}},"
                + " {\"type\": \"success\"}]], \"n\": \"10000\", \"m\": 10000}"));
    }

    @Test
    void theCasesAndTheirRecordingsAgree() {
        List<CorpusCase> cases = CorpusCase.all();

        assertThat(cases.stream().map(CorpusCase::flow).distinct()).containsExactlyInAnyOrder("check_awx_job.yml",
                "check_awx_job_jira.yml", "flow_jira_tickets.yml", "flow_service_now_jobs.yml",
                "flow_service_now_tickets.yml", "ticket_to_awx.yml", "ticket_to_awx_jira.yml");
        assertThat(cases).extracting(CorpusCase::id).doesNotHaveDuplicates();
        for (CorpusCase each : cases) {
            assertThat(CorpusComparisonTest.class.getResource(each.expectedResource())).as(each.expectedResource())
                    .isNotNull();
        }
    }
}
