package io.livedrop.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the layering visible in the packages: the topology knows nothing of the API or Spring. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.livedrop");

    @Test
    void topologyShouldNotDependOnTheApiOrSpring() {
        noClasses().that().resideInAPackage("io.livedrop.topology..")
                .should().dependOnClassesThat().resideInAnyPackage("io.livedrop.api..", "org.springframework..")
                .check(CLASSES);
    }

    @Test
    void schemasShouldDependOnNothingElseOfLivedrop() {
        noClasses().that().resideInAnyPackage("io.livedrop.schemas..", "io.livedrop.events..")
                .should().dependOnClassesThat().resideInAnyPackage("io.livedrop.topology..", "io.livedrop.api..",
                        "io.livedrop.kafka..")
                .check(CLASSES);
    }

    @Test
    void packagesShouldBeFreeOfCycles() {
        slices().matching("io.livedrop.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
