package io.octoflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package rules of issue 13, on the compiled main classes: the feature packages form no cycle, and the
 * composition root ({@code io.octoflow.app}) is used by the command line only. A slice is a top-level package with
 * its sub-packages, so the step registry's own cycle ({@code step} and {@code step.types}) is one slice and allowed.
 * A failure names each cycle first ("Cycle detected: Slice a -> Slice b -> Slice a"), then a few of the
 * dependencies of each edge (see {@code archunit.properties}).
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.octoflow");

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching("io.octoflow.(*)..").namingSlices("$1")
                .should().beFreeOfCycles()
                .check(MAIN);
    }

    @Test
    void onlyTheCommandLineUsesTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackages("io.octoflow.app..", "io.octoflow.cli..")
                .should().dependOnClassesThat().resideInAPackage("io.octoflow.app..")
                .because("io.octoflow.app wires everything; the parts take their dependencies by constructor")
                .check(MAIN);
    }
}
