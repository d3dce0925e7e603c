package io.livedrop.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' own classes: their packages (the shared harness and one package per benchmark) have no
 * cycles, and they drive livedrop from outside, as child processes and Kafka clients: no Spring, nothing of
 * the application's classes, nothing of the connectors.
 */
class ArchitectureTest {

    private static final JavaClasses BENCH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.livedrop.bench");

    @Test
    void benchPackagesShouldBeFreeOfCycles() {
        slices().matching("io.livedrop.(**)").should().beFreeOfCycles().check(BENCH);
    }

    @Test
    void benchShouldNotDependOnSpringTheApplicationOrTheConnectors() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.livedrop.api..",
                "io.livedrop.connect..").check(BENCH);
    }
}
