package io.octoflow.operations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.octoflow.datasource.Datasources;
import io.octoflow.flow.FlowCatalog;
import io.octoflow.flow.Problem;
import io.octoflow.step.StepRegistry;
import io.octoflow.template.Templates;

/**
 * Validates flow YAML that is not a file of FLOWS_PATH (the API's {@code POST /api/validate}): every problem of it
 * and of the flows it calls, with their lines, as if it were deployed. One catalog serves every request (building
 * one, with its template engine, per request cost more than the check); it is emptied around each check, so a
 * changed sub-flow is read again and nothing of a request stays.
 */
public final class FlowValidator {

    /** The name the YAML is checked under; its problems name no file. */
    public static final String FILE_NAME = "request.yml";

    private final FlowCatalog catalog;

    public FlowValidator(FlowCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * A validator whose flows call sub-flows in {@code flowsPath} and templates in {@code templatesPath}, and name
     * the {@code sql} datasources of {@code datasources} (as when a flow deploys).
     */
    public static FlowValidator of(Path flowsPath, Path templatesPath, Path dataPath, Datasources datasources) {
        return new FlowValidator(new FlowCatalog(StepRegistry.standard(null, datasources),
                new Templates(templatesPath), flowsPath, templatesPath, dataPath));
    }

    /** The problems of {@code yaml} as a flow file, and the file they were found in (a temporary one). */
    public record Validation(List<Problem> problems, String file) {

        public boolean valid() {
            return problems.stream().noneMatch(Problem::isError);
        }
    }

    public Validation check(String yaml) throws IOException {
        Path dir = Files.createTempDirectory("octoflow-validate");
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            synchronized (catalog) {
                catalog.clear();
                try {
                    return new Validation(catalog.check(file), file.toString());
                } finally {
                    catalog.clear();
                }
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
