package io.octoflow.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.Problem;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * Every real spooler flow (shared/spooler-corpus) validates on Octoflow as the spooler accepts it: FlowCatalog
 * (what {@code octoflow validate} runs) reports no error for it. Octoflow's stricter checks may remain as
 * warnings.
 */
class CorpusValidationTest {

    @TempDir
    Path dataDir;

    @TestFactory
    Stream<DynamicTest> everyCorpusFlowValidatesWithoutErrors() throws Exception {
        Path corpus = CorpusSource.locate(CorpusSource.projectRoot());
        Path flows = corpus.resolve("flows");
        Path templates = corpus.resolve("templates");
        FlowCatalog catalog = new FlowCatalog(StepRegistry.standard(), new Templates(templates), flows, templates,
                dataDir);
        List<Path> files = FlowCatalog.flowFilesUnder(flows);
        assertThat(files).as("flow files in " + flows).hasSize(7);
        return files.stream().map(file -> DynamicTest.dynamicTest(flows.relativize(file).toString(), () -> {
            List<String> errors = catalog.validate(file).stream().filter(p -> !isWarning(p))
                    .map(Problem::toString).toList();
            assertThat(errors).as("errors reported for " + file + " (the spooler runs it)").isEmpty();
        }));
    }

    /**
     * Whether a problem is only a warning. Problem gains a severity with the spooler-compatibility work; read it
     * by name so that this test compiles before and after (before: every problem is an error).
     */
    static boolean isWarning(Problem problem) {
        for (String accessor : List.of("severity", "level", "kind")) {
            try {
                Method method = problem.getClass().getMethod(accessor);
                Object value = method.invoke(problem);
                return value != null && value.toString().toLowerCase(Locale.ROOT).startsWith("warn");
            } catch (NoSuchMethodException e) {
                // not this name
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read Problem." + accessor + "()", e);
            }
        }
        for (String predicate : List.of("warning", "isWarning")) {
            try {
                return Boolean.TRUE.equals(problem.getClass().getMethod(predicate).invoke(problem));
            } catch (NoSuchMethodException e) {
                // not this name
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read Problem." + predicate + "()", e);
            }
        }
        return false;
    }
}
