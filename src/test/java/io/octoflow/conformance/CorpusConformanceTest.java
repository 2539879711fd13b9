package io.octoflow.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.octoflow.execution.RunResult;
import io.octoflow.execution.RunStatus;
import io.octoflow.support.FlowFixture;

/**
 * The seven real spooler flows (shared/spooler-corpus), files untouched, run by Octoflow against the stand-in for
 * Jira, AWX and ServiceNow (reached through HTTPS_PROXY, trusted through REST_CA_BUNDLE), must produce what the
 * original spooler produced with the same input and the same answers (&lt;flow&gt;.expected.json, written by
 * CorpusRecorder): the same status, final data, files and requests. A flow may differ only when
 * divergences.yml lists it with its reason. Writes target/conformance/corpus.txt, and each flow's outcome on
 * Octoflow to target/conformance/corpus/&lt;flow&gt;.actual.json.
 */
class CorpusConformanceTest {

    @TempDir
    static Path dir;
    static Path corpus;
    static StandIn standIn;
    static Map<String, String> divergences;
    /** Run id to its differences (empty: equal); ids in the order run. */
    static final Map<String, List<String>> outcomes = new ConcurrentHashMap<>();
    static final List<String> order = new ArrayList<>();

    @BeforeAll
    static void startStandIn() {
        corpus = CorpusSource.locate(CorpusSource.projectRoot());
        divergences = CorpusDivergences.load();
        standIn = StandIn.start(dir);
    }

    @AfterAll
    static void writeSummary() throws IOException {
        if (standIn != null) {
            standIn.close();
        }
        if (order.isEmpty()) {
            return;
        }
        long equal = order.stream().filter(f -> outcomes.get(f).isEmpty()).count();
        long flows = CorpusCase.all().stream().map(CorpusCase::flow).distinct().count();
        StringBuilder text = new StringBuilder("Spooler corpus: " + equal + "/" + order.size()
                + " flow runs equal (" + flows + " flows)\n");
        for (String flow : order) {
            List<String> differences = outcomes.get(flow);
            if (!differences.isEmpty()) {
                text.append("- ").append(flow).append(": ").append(oneLine(differences.get(0)));
                if (divergences.containsKey(flow)) {
                    text.append(" (listed divergence: ").append(divergences.get(flow)).append(")");
                }
                text.append("\n");
            }
        }
        Path summary = CorpusSource.projectRoot().resolve("target/conformance/corpus.txt");
        Files.createDirectories(summary.getParent());
        Files.writeString(summary, text, StandardCharsets.UTF_8);
    }

    /** The first line of a difference, the temporary installation's directory left out. */
    private static String oneLine(String difference) {
        String first = difference.lines().findFirst().orElse("");
        return first.replace(dir.toString() + "/", "");
    }

    @TestFactory
    Stream<DynamicTest> eachCorpusFlowDoesWhatTheSpoolerDid() {
        return CorpusCase.all().stream().map(run -> DynamicTest.dynamicTest(run.id(), () -> check(run)));
    }

    private void check(CorpusCase run) throws IOException {
        CorpusOutcome expected = expected(run);
        List<String> differences;
        String octoflowError = null;
        try (FlowFixture fx = fixture(run)) {
            standIn.prepare(run);
            RunResult result = fx.run(run.flow(), input(run), Map.of());
            octoflowError = result.error();
            CorpusNormalizer normalizer = new CorpusNormalizer(fx.flows(), fx.data());
            CorpusOutcome actual = new CorpusOutcome(result.status().label(),
                    normalizer.data(CorpusJson.tree(result.data())),
                    CorpusFiles.read(fx.data(), Set.of(), normalizer),
                    CorpusOutcome.requests(standIn.server().received(), run, normalizer));
            writeActual(run, actual);
            differences = CorpusComparison.differences(run, expected, actual);
            if (!differences.isEmpty() && result.status() != RunStatus.SUCCESS && octoflowError != null) {
                differences = new ArrayList<>(differences);
                differences.set(0, differences.get(0) + " [Octoflow: " + octoflowError + "]");
            }
        } catch (RuntimeException e) {
            // the flow did not load or run at all: that is its first difference
            differences = List.of("Octoflow did not run it: " + e.getMessage());
        }
        synchronized (order) {
            order.add(run.id());
        }
        outcomes.put(run.id(), differences);

        String reason = divergences.get(run.id());
        if (reason != null) {
            assertThat(differences).as(run.id() + " is listed in divergences.yml (" + reason
                    + ") but is now equal to the spooler: remove it from the list").isNotEmpty();
            return;
        }
        if (!differences.isEmpty()) {
            fail(run.id() + " (" + run.flow() + ") differs from the original spooler (" + run.expectedResource() + "):\n  "
                    + String.join("\n  ", differences));
        }
    }

    /** Octoflow's outcome beside the summary, in the expected file's form, to diff with the recording. */
    private static void writeActual(CorpusCase run, CorpusOutcome actual) throws IOException {
        Path file = CorpusSource.projectRoot().resolve("target/conformance/corpus/" + run.id() + ".actual.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, CorpusJson.pretty(actual.toJson(run)), StandardCharsets.UTF_8);
    }

    private FlowFixture fixture(CorpusCase run) {
        FlowFixture fx = new FlowFixture(dir.resolve(run.id()))
                .set("HTTPS_PROXY", standIn.proxyUrl())
                .set("REST_CA_BUNDLE", standIn.caBundle().toString());
        CorpusSource.copyFlowsAndTemplates(corpus, fx.flows(), fx.templates());
        fx.secretsFile(CorpusSource.secrets(corpus));
        return fx;
    }

    private static Object input(CorpusCase run) {
        return run.input() == null ? null : CorpusJson.MAPPER.convertValue(run.input(), Object.class);
    }

    private static CorpusOutcome expected(CorpusCase run) throws IOException {
        try (InputStream in = CorpusConformanceTest.class.getResourceAsStream(run.expectedResource())) {
            if (in == null) {
                fail("no recording of " + run.id() + " from the spooler: " + run.expectedResource()
                        + " is missing (run CorpusRecorder, see src/test/resources/conformance/README.md)");
            }
            JsonNode node = CorpusJson.MAPPER.readTree(in);
            return CorpusOutcome.fromJson(node);
        }
    }
}
